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
import os
import sys
import time

# The protocol's shared half (json_lines_worker.py) lives in src/process/, beside json-lines-worker.ts.
# No bytecode cache for it: that would be written into the package's src/ (read-only once installed).
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "process"))
from json_lines_worker import emit, fatal, serve  # noqa: E402


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

    def read(request):
        text = request["text"]
        if not isinstance(text, str):
            raise TypeError("text must be a string")
        settings = SynthesisConfig(
            speaker_id=request.get("speaker"),
            length_scale=request.get("lengthScale"),
            noise_scale=request.get("noiseScale"),
            noise_w_scale=request.get("noiseWScale"),
        )
        return text, settings

    def answer(options):
        text, settings = options
        # Piper cuts the text into sentences itself; the chunks are joined with no silence, as
        # `piper --sentence_silence 0` does (the caller already speaks one segment per request).
        audio = b"".join(chunk.audio_int16_bytes for chunk in voice.synthesize(text, settings))
        return {"audio": base64.b64encode(audio).decode("ascii"), "sampleRate": sample_rate}

    serve(read, answer)


if __name__ == "__main__":
    main()
