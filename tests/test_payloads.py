"""Request parsing and response shapes of the local containers."""

from __future__ import annotations

import json

import pytest

from helpers.local.payloads import (
    GenerationResult,
    PayloadError,
    format_response,
    format_stream_chunk,
    parse_chat_markup,
    parse_request,
)


def test_tgi_request():
    request = parse_request(
        json.dumps({"inputs": "Hi", "parameters": {"max_new_tokens": 7, "temperature": 0.5, "stop": "\n"}}).encode()
    )
    assert (request.prompt, request.max_new_tokens, request.temperature, request.stop) == ("Hi", 7, 0.5, ["\n"])
    assert request.temperature > 0 and request.shape == "tgi"


def test_messages_request():
    request = parse_request(
        b'{"messages": [{"role": "user", "content": [{"type": "text", "text": "Hi"}]}], "max_tokens": 9}'
    )
    assert request.messages == [{"role": "user", "content": "Hi"}]
    assert request.max_new_tokens == 9 and request.shape == "messages" and request.temperature == 0


@pytest.mark.parametrize(
    "body, message",
    [
        (b"{oops", "Failed to deserialize"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"text": "hi"}', "missing field `inputs`"),
        (b'{"inputs": ""}', "non-empty string"),
        (b'{"inputs": "hi", "parameters": {"max_new_tokens": 0}}', "max_new_tokens"),
        (b'{"inputs": "hi", "parameters": {"max_new_tokens": 2.5}}', "integer"),
        (b'{"inputs": "hi", "parameters": {"top_p": 3}}', "top_p"),
        (b'{"inputs": "hi", "parameters": {"stop": [1]}}', "stop"),
        (b'{"messages": []}', "non-empty list"),
        (b'{"messages": [{"role": "user", "content": 3}]}', "content must be a string"),
    ],
)
def test_bad_bodies(body, message):
    with pytest.raises(PayloadError, match=message):
        parse_request(body)


def test_non_json_content_type_is_rejected():
    with pytest.raises(PayloadError, match="application/json"):
        parse_request(b"hello", "text/csv")


@pytest.mark.parametrize(
    "prompt, expected",
    [
        (
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHello?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello?"}],
        ),
        (
            "<s>[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHello? [/INST]",
            [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello?"}],
        ),
        ("<start_of_turn>user\nHello?<end_of_turn>\n<start_of_turn>model\n", [{"role": "user", "content": "Hello?"}]),
        ("<|im_start|>user\nHello?<|im_end|>\n<|im_start|>assistant\n", [{"role": "user", "content": "Hello?"}]),
        ("Plain completion prompt", None),
    ],
)
def test_chat_markup(prompt, expected):
    assert parse_chat_markup(prompt) == expected


def test_response_shapes_name_the_engine():
    result = GenerationResult("Paris.", 10, 2)
    tgi = parse_request(b'{"inputs": "Capital of France?"}')
    assert format_response(tgi, result, "tgi", "X (local stand-in for Y)") == [
        {"generated_text": "Paris.", "local_engine": "X (local stand-in for Y)"}
    ]
    assert format_response(tgi, result, "lmi", "X")["generated_text"] == "Paris."
    chat = parse_request(b'{"messages": [{"role": "user", "content": "Capital of France?"}]}')
    completion = format_response(chat, result, "lmi", "X")
    assert completion["choices"][0]["message"] == {"role": "assistant", "content": "Paris."}
    assert completion["usage"] == {"prompt_tokens": 10, "completion_tokens": 2, "total_tokens": 12}
    assert completion["model"] == "X" and completion["local_engine"] == "X"


def test_stream_chunks():
    tgi = parse_request(b'{"inputs": "x"}')
    chunk = json.loads(format_stream_chunk(tgi, "Hel", 0).decode().removeprefix("data:"))
    assert chunk["token"]["text"] == "Hel" and chunk["generated_text"] is None
    chat = parse_request(b'{"messages": [{"role": "user", "content": "x"}]}')
    chunk = json.loads(format_stream_chunk(chat, "Hel", 0).decode().removeprefix("data:"))
    assert chunk["choices"][0]["delta"]["content"] == "Hel"
