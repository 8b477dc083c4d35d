"""Find everything the workshop created, by its tag, and delete it; never touch anything else.

Tagged resources: the executions in progress of the workshop's pipelines (stopped first: SageMaker deletes no
pipeline while it runs), SageMaker labeling and training jobs still running (stopped: a finished job cannot be
deleted, and costs nothing), endpoints, endpoint configs, models and pipelines, model package groups with their model
package versions (a versioned package has no tags of its own that the SDK sets: it belongs to its tagged group; a
group is deleted after its versions, as SageMaker requires) and tagged unversioned model packages, Ground Truth work
teams and the private workforce (only when every team in it is the workshop's: a workforce with other teams stays)
and the Cognito user pool it signs workers in with (tagged with ``UserPoolTags``; kept while a workforce that stays
uses it),
jobs' outputs (S3 objects under the workshop prefix, tuned models' artifacts and labeling output included),
CloudWatch alarms, and EventBridge Scheduler schedule groups with the schedules in them (schedules themselves cannot
carry tags, so the workshop puts its schedules in a tagged group), and the IAM roles that the workshop created (the
EventBridge Scheduler role of :mod:`helpers.roles`: named with the workshop's prefix and tagged; its policies are
removed first). A role an administrator created for the workshop carries no tag and stays. Later journeys add their
kinds to ``KINDS``.

Two modules: :mod:`~helpers.cleanup.resources` finds them (``KINDS``, :func:`find_workshop_resources`),
:mod:`~helpers.cleanup.deletion` deletes them (:func:`delete_workshop_resources`).
"""

from .deletion import delete_workshop_resources
from .resources import KINDS, Resource, as_table, find_workshop_resources

__all__ = ["KINDS", "Resource", "as_table", "delete_workshop_resources", "find_workshop_resources"]
