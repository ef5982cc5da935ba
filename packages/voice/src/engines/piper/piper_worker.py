"""The Piper engine's worker: loads one Piper voice once, then speaks one text per request, JSON lines
on stdin and stdout (the protocol of @klody/voice's json-lines-worker.ts).

Started and owned by @klody/voice (piper.ts) when the engine is given the Python of piper-tts; it exits
when its stdin closes. It saves what `piper --output_raw` pays on every segment: starting Python and
loading the voice (about half a second for a medium voice).

  startup  -> {"event": "ready", "loadSeconds": 0.4, "sampleRate": 22050}
           or {"event": "fatal", "error": {"code": ..., "message": ...}} and exit 3
  request  <- {"id": 1, "text": "...", "speaker": null, "lengthScale": null, "noiseScale": null,
               "noiseWScale": null}
  answer   -> {"id": 1, "result": {"audio": "<base64 mono PCM16 LE>", "sampleRate": 22050}}
           or {"id": 1, "error": {"code": "invalid_options" | "engine_failed", "message": ...}}
"""

import argparse
import base64
import json
import os
import sys
import time

# The protocol owns the real stdout; anything a library prints goes to stderr instead of corrupting it.
protocol = sys.stdout
sys.stdout = sys.stderr


def emit(message):
    protocol.write(json.dumps(message, ensure_ascii=False) + "\n")
    protocol.flush()


def fatal(code, message):
    emit({"event": "fatal", "error": {"code": code, "message": message}})
    sys.exit(3)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, help="the voice's .onnx")
    parser.add_argument("--config", help="its .onnx.json (default: beside the model)")
    arguments = parser.parse_args()

    config = arguments.config or f"{arguments.model}.json"
    for path in (arguments.model, config):
        if not os.path.isfile(path):
            fatal("engine_unavailable", f"no such file: {path}")
    try:
        from piper import PiperVoice, SynthesisConfig
    except ImportError as error:
        fatal("engine_unavailable", f"{sys.executable} cannot import piper ({error})")

    started = time.perf_counter()
    try:
        voice = PiperVoice.load(arguments.model, config_path=config)
    except Exception as error:
        fatal("engine_unavailable", f"cannot load {arguments.model}: {error}")
    sample_rate = voice.config.sample_rate
    emit({"event": "ready", "loadSeconds": round(time.perf_counter() - started, 3), "sampleRate": sample_rate})

    for line in sys.stdin:
        if not line.strip():
            continue
        identifier = None
        try:
            request = json.loads(line)
            identifier = request.get("id")
            text = request["text"]
            if not isinstance(text, str):
                raise TypeError("text must be a string")
            settings = SynthesisConfig(
                speaker_id=request.get("speaker"),
                length_scale=request.get("lengthScale"),
                noise_scale=request.get("noiseScale"),
                noise_w_scale=request.get("noiseWScale"),
            )
        except (ValueError, KeyError, TypeError) as error:
            emit({"id": identifier, "error": {"code": "invalid_options", "message": f"bad request: {error}"}})
            continue
        try:
            # Piper cuts the text into sentences itself; the chunks are joined with no silence, as
            # `piper --sentence_silence 0` does (the caller already speaks one segment per request).
            audio = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, settings))
            emit({"id": identifier, "result": {"audio": base64.b64encode(audio).decode("ascii"), "sampleRate": sample_rate}})
        except Exception as error:
            emit({"id": identifier, "error": {"code": "engine_failed", "message": f"{type(error).__name__}: {error}"}})


if __name__ == "__main__":
    main()
