"""The board's voice (Q05): clips recorded by `build_voice`, served, and played in order."""

from __future__ import annotations

import json
import shutil
import wave
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from servicehall.queueing import services
from servicehall.queueing.voice import CLIP_TEXTS, call_clips
from testsupport.browser import CHROMIUM, CHROMIUM_ARGS, WAIT_MS

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def test_q05_a_call_is_read_as_clips_in_speaking_order():
    assert call_clips("A023", 3) == [
        "qing", "letter_A", "digit_0", "digit_2", "digit_3", "hao", "dao", "digit_3", "chuangkou_banli",
    ]  # fmt: skip
    assert set(call_clips("V101", 12)) <= set(CLIP_TEXTS)


@needs_espeak
def test_q05_build_voice_records_every_clip_as_a_wav(tmp_path, settings):
    settings.VOICE_CLIPS_DIR = tmp_path
    call_command("build_voice", stdout=StringIO())

    for name in CLIP_TEXTS:
        path = tmp_path / f"{name}.wav"
        header = path.read_bytes()[:12]
        assert header[:4] == b"RIFF" and header[8:12] == b"WAVE", name
        with wave.open(str(path)) as clip:
            assert clip.getnchannels() == 1
            assert 0.1 < clip.getnframes() / clip.getframerate() < 3, name
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["clips"]) == set(CLIP_TEXTS)
    assert manifest["clips"]["qing"]["text"] == "请"


@needs_espeak
def test_q05_build_voice_is_idempotent_and_force_records_again(tmp_path):
    call_command("build_voice", output=str(tmp_path), stdout=StringIO())
    stamp = (tmp_path / "qing.wav").stat().st_mtime_ns

    out = StringIO()
    call_command("build_voice", output=str(tmp_path), stdout=out)
    assert "0 recorded" in out.getvalue()
    assert (tmp_path / "qing.wav").stat().st_mtime_ns == stamp

    (tmp_path / "dao.wav").unlink()
    out = StringIO()
    call_command("build_voice", output=str(tmp_path), stdout=out)
    assert "1 recorded" in out.getvalue() and (tmp_path / "dao.wav").exists()

    out = StringIO()
    call_command("build_voice", output=str(tmp_path), force=True, stdout=out)
    assert f"{len(CLIP_TEXTS)} recorded" in out.getvalue()


def test_q05_build_voice_without_espeak_fails_with_a_clear_message(tmp_path):
    with pytest.raises(CommandError, match="apt-get install espeak-ng"):
        call_command("build_voice", output=str(tmp_path), espeak="no-such-espeak-ng")


@needs_espeak
def test_q05_clips_are_served_by_name_only(client, settings, voice_clips):
    settings.VOICE_CLIPS_DIR = voice_clips
    response = client.get("/voice/qing.wav")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert response.content[:4] == b"RIFF"
    assert client.get("/voice/manifest.json").status_code == 200
    assert client.get("/voice/settings.wav").status_code == 404
    assert client.get("/voice/..%2Fsettings.wav").status_code == 404


def test_q05_missing_clips_answer_404_with_a_hint(client, settings, tmp_path):
    settings.VOICE_CLIPS_DIR = tmp_path
    response = client.get("/voice/qing.wav")
    assert response.status_code == 404


@pytest.mark.browser
def test_q05_board_plays_queued_calls_one_after_another_in_clip_order(asgi_server, page, world, voice_clips, settings):
    settings.VOICE_CLIPS_DIR = voice_clips
    for _ in range(2):
        asgi_server.run(services.ticket_issue, hall=world.hall, category=world.a)
    page.goto(asgi_server.url(f"/halls/{world.hall.code}/board/?voice=clips"))
    page.wait_for_function("window.servicehallBoard.connection === 'open'")

    first = asgi_server.run(services.ticket_call_next, counter=world.counter1, staff=world.clerk)
    second = asgi_server.run(services.ticket_call_next, counter=world.counter2, staff=world.clerk2)

    page.wait_for_function(
        "window.servicehallBoard.spoken.length === 2 && window.servicehallBoard.pending === 0", timeout=30000
    )
    spoken = page.evaluate("window.servicehallBoard.spoken")
    assert [s["number"] for s in spoken] == [first.number, second.number]
    assert spoken[0]["played"] == call_clips(first.number, 1)
    assert spoken[1]["played"] == call_clips(second.number, 2)
    assert page.evaluate("window.servicehallBoard.clipsPlayed") == call_clips(first.number, 1) + call_clips(
        second.number, 2
    )


@pytest.mark.browser
def test_q05_board_asks_for_one_tap_when_the_browser_blocks_sound(asgi_server, browser, world):
    args = [arg for arg in CHROMIUM_ARGS if not arg.startswith("--autoplay-policy")]
    strict = browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=args)
    try:
        # The policy is bypassed as in every other browser test: a polled
        # `wait_for_function` evaluates its string in the page.
        context = strict.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
        context.set_default_timeout(WAIT_MS)
        page = context.new_page()
        page.goto(asgi_server.url(f"/halls/{world.hall.code}/board/"))
        overlay = page.get_by_test_id("enable-sound")
        overlay.wait_for(state="visible")
        assert page.evaluate("window.servicehallBoard.audio") == "suspended"

        overlay.click()

        overlay.wait_for(state="hidden")
        page.wait_for_function("window.servicehallBoard.audio === 'running'")
    finally:
        strict.close()
