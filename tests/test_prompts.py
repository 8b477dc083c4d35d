"""Prompt templates (helpers/prompts.py) and the Converse wrapper that sends them (helpers/bedrock.py)."""

from __future__ import annotations

from string import Template

import pandas as pd
import pytest
from botocore.stub import Stubber

from helpers import bedrock, prompts
from helpers.retrieval import Passage

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"


@pytest.mark.parametrize(("use_case", "step"), [(u, s) for u, steps in prompts.STEPS.items() for s in steps])
def test_every_template_fits_fmeval(use_case, step):
    text = prompts.template(use_case, step)
    assert text.count("$model_input") == 1
    assert Template(text).get_identifiers() == ["model_input"]
    assert prompts.validate(text) is text


def test_three_visible_iterations_per_use_case():
    assert prompts.STEPS == {
        "summary": ["zero_shot", "format", "tone"],
        "chatbot": ["zero_shot", "retrieval", "retrieval_tone"],
    }
    assert [prompts.uses_passages("chatbot", s) for s in prompts.STEPS["chatbot"]] == [False, True, True]


def test_summary_templates_ask_for_the_advisor_brief_from_the_format_step():
    zero_shot, fmt, tone = (prompts.template("summary", s) for s in prompts.STEPS["summary"])
    assert "Situation:" not in zero_shot
    for text in (fmt, tone):
        for heading in ("Situation:", "Requests:", "Decisions:", "Action items:", "Next step:"):
            assert heading in text
        assert "120 words" in text
    assert tone.startswith(fmt.split("\n\nConversation:")[0]) and "professional tone" in tone


def test_chatbot_tone_template_sends_uncovered_questions_to_the_service_desk():
    tone = prompts.template("chatbot", "retrieval_tone")
    assert "polite" in tone and "Service Desk" in tone and "4357" in tone
    assert "no Naxt policy covers it" in tone


def test_render_substitutes_the_input_verbatim_even_with_dollar_signs():
    text = prompts.render("Summarize:\n$model_input\nBrief:", "Client moved $2.4 million; ${x} stays.")
    assert text == "Summarize:\nClient moved $2.4 million; ${x} stays.\nBrief:"


def test_render_matches_fmeval_prompt_composer():
    from fmeval.model_runners.composers.composers import PromptComposer

    text = prompts.template("summary", "tone")
    transcript = "Advisor: We moved $85,000 on March 14."
    assert prompts.render(text, transcript) == PromptComposer(text).compose(transcript)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("Summarize this conversation.", r"exactly once, .*\(found no placeholder\)"),
        ("$model_input and again $model_input", "more than once"),
        ("Limit $150. $model_input", "write it as '\\$\\$'"),
        ("Summarize: $model_inputs", r"\(found \$model_inputs\)"),
    ],
)
def test_validate_rejects_templates_fmeval_cannot_use(bad, message):
    with pytest.raises(ValueError, match=message):
        prompts.validate(bad)
    with pytest.raises(ValueError, match=message):
        prompts.render(bad, "text")


def test_bad_names_and_inputs_say_what_to_use():
    with pytest.raises(ValueError, match="use one of: summary, chatbot"):
        prompts.template("qa", "zero_shot")
    with pytest.raises(ValueError, match="use one of: zero_shot, format, tone"):
        prompts.template("summary", "few_shot")
    with pytest.raises(ValueError, match="non-empty model_input"):
        prompts.render(prompts.template("summary", "format"), "  ")
    with pytest.raises(TypeError, match="wrap it in"):
        prompts.build_prompts("summary", "format", "one transcript")


def test_chatbot_input_numbers_the_passages_before_the_question():
    passages = [
        Passage("laptop-hardware-ordering", "Laptop and Hardware Ordering", "Approvals", "Monitors: line manager."),
        Passage("it-service-desk", "IT Service Desk: How to Get Help", "Contacts", "Service Desk: ext. 4357"),
    ]
    text = prompts.chatbot_input(" How do I order a monitor? ", passages)
    assert text == (
        "Policy passages:\n[1] Laptop and Hardware Ordering — Approvals\nMonitors: line manager.\n\n"
        "[2] IT Service Desk: How to Get Help — Contacts\nService Desk: ext. 4357\n\n"
        "Question: How do I order a monitor?"
    )
    assert prompts.chatbot_input("How do I order a monitor?") == "Question: How do I order a monitor?"


def test_build_prompts_retrieves_passages_only_for_retrieval_steps():
    question = "How do I order a second monitor?"
    (zero_shot,) = prompts.build_prompts("chatbot", "zero_shot", [question])
    (with_passages,) = prompts.build_prompts("chatbot", "retrieval_tone", [question], k=2)
    assert "Policy passages" not in zero_shot and zero_shot.endswith(f"Question: {question}")
    assert with_passages.count("\n[1] ") == 1 and with_passages.count("\n[2] ") == 1 and "\n[3] " not in with_passages
    assert "Laptop and Hardware Ordering" in with_passages
    assert with_passages.endswith(f"Question: {question}\n\nAnswer:")
    (summary,) = prompts.build_prompts("summary", "format", ["Advisor: hello."])
    assert "Conversation:\nAdvisor: hello.\n\nAdvisor brief:" in summary


# --------------------------------------------------------------------------------- the Converse wrapper
def _client():
    import boto3

    return boto3.client("bedrock-runtime", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")


def _response(text: str, local: str | None = None) -> dict:
    response = {
        "output": {"message": {"role": "assistant", "content": [{"text": text}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 12, "outputTokens": 5, "totalTokens": 17},
        "metrics": {"latencyMs": 3},
    }
    if local:
        response["additionalModelResponseFields"] = {"local_engine": local}
    return response


def test_converse_sends_the_rendered_prompt_and_names_who_answered():
    client = _client()
    prompt = prompts.render(prompts.template("chatbot", "zero_shot"), "Question: How do I order a laptop?")
    expected = {
        "modelId": MODEL,
        "messages": [{"role": "user", "content": [{"text": prompt}]}],
        "inferenceConfig": {"maxTokens": 64, "temperature": 0.0},
        "system": [{"text": "Be brief."}],
    }
    with Stubber(client) as stub:
        stub.add_response("converse", _response(" Open NaxtHelp. "), expected)
        stub.add_response("converse", _response("Hi", local="SmolLM2 (local stand-in)"))
        text, latency, who = bedrock.converse(client, MODEL, "Be brief.", prompt, max_tokens=64)
        assert (text, who) == ("Open NaxtHelp.", MODEL) and latency >= 0
        assert bedrock.converse(client, MODEL, None, prompt, 64)[2] == "SmolLM2 (local stand-in)"


def test_converse_turns_access_denied_into_advice():
    client = _client()
    with Stubber(client) as stub:
        stub.add_client_error("converse", "AccessDeniedException", "You don't have access to the model.")
        with pytest.raises(bedrock.BedrockCallError, match="Model access"):
            bedrock.converse(client, MODEL, None, "hello", 10)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"model_id": ""}, "Bedrock model id"),
        ({"user": " "}, "user message is empty"),
        ({"max_tokens": 0}, "positive integer"),
        ({"temperature": 1.5}, "between 0 and 1"),
    ],
)
def test_converse_rejects_bad_arguments_before_calling(kwargs, message):
    args = {"model_id": MODEL, "system": None, "user": "hello", "max_tokens": 10, "temperature": 0.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        bedrock.converse(_client(), **args)


def test_run_step_scores_each_record_against_its_reference():
    client = _client()
    records = pd.DataFrame(
        {
            "id": ["qa-1", "qa-2"],
            "question": ["How do I order a monitor?", "Does Naxt pay for gym memberships?"],
            "reference_answer": ["Please order it in NaxtHelp under Hardware.", "No policy covers gym memberships."],
        }
    )
    with Stubber(client) as stub:
        stub.add_response("converse", _response("Please order it in NaxtHelp under Hardware."))
        stub.add_response("converse", _response("Google it."))
        run = bedrock.run_step(client, MODEL, "chatbot", "retrieval_tone", records, max_tokens=50)
    assert list(run["id"]) == ["qa-1", "qa-2"] and set(run["step"]) == {"retrieval_tone"}
    assert run.loc[0, "rougeL"] == pytest.approx(1.0) and run.loc[1, "rougeL"] == 0.0
    assert list(run["polite"]) == [True, False]
    assert list(run["input_tokens"]) == [12, 12] and set(run["answered_by"]) == {MODEL}
    with pytest.raises(ValueError, match="reference_summary"):
        bedrock.run_step(client, MODEL, "summary", "format", records, max_tokens=50)
