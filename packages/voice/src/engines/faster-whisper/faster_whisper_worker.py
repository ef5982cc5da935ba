"""The faster-whisper engine's worker: loads one CTranslate2 Whisper folder once, then answers
transcription requests, one JSON object per line on stdin, one JSON object per line on stdout.

Started and owned by @klody/voice (faster-whisper.ts); not a service: it has no port, and it exits
when its stdin closes, so it cannot outlive the process that started it.

  startup  -> {"event": "ready", "loadSeconds": 1.2, "threads": 2, "computeType": "int8"}
           or {"event": "fatal", "error": {"code": ..., "message": ...}} and exit 3
  request  <- {"id": 1, "audio": "<base64 16 kHz mono PCM16 LE>", "language": "fr" | null,
               "prompt": str | null, "words": bool, "beamSize": 5, "vadFilter": bool}
  answer   -> {"id": 1, "result": {"language", "languageProbability", "duration", "segments": [
                 {"start", "end", "text", "words": [{"start", "end", "word", "probability"}]}]}}
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
from json_lines_worker import RequestRefused, emit, fatal, serve  # noqa: E402

# Never reach for the Hugging Face Hub: the model is the local folder we were given, nothing else.
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True, help="CTranslate2 Whisper folder (holds model.bin)")
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--compute-type", default="int8")
    parser.add_argument("--device", default="cpu")
    arguments = parser.parse_args()

    if not os.path.isfile(os.path.join(arguments.model, "model.bin")):
        fatal("engine_unavailable", f"no model.bin in {arguments.model}")
    try:
        import numpy
        import ctranslate2
        from faster_whisper import WhisperModel
        from faster_whisper.tokenizer import _LANGUAGE_CODES as known_languages
    except ImportError as error:
        fatal("engine_unavailable", f"{sys.executable} cannot import faster_whisper ({error})")

    # ctranslate2's cpu_threads=0 means "its own default" (all cores); the caller chooses instead.
    threads = arguments.threads if arguments.threads > 0 else max(1, min(4, os.cpu_count() or 1))
    started = time.perf_counter()
    try:
        model = WhisperModel(
            arguments.model,
            device=arguments.device,
            compute_type=arguments.compute_type,
            cpu_threads=threads,
            num_workers=1,
            local_files_only=True,
        )
    except Exception as error:  # a corrupt or partial folder
        fatal("engine_unavailable", f"cannot load {arguments.model}: {error}")
    emit(
        {
            "event": "ready",
            "loadSeconds": round(time.perf_counter() - started, 3),
            "threads": threads,
            "computeType": arguments.compute_type,
        }
    )

    def read(request):
        pcm = base64.b64decode(request["audio"], validate=True)
        if len(pcm) % 2:
            raise ValueError("the audio is not whole 16-bit samples")
        return request, numpy.frombuffer(pcm, dtype="<i2").astype(numpy.float32) / 32768.0

    def answer(options):
        request, audio = options
        language = request.get("language") or None
        if language is not None and language not in known_languages:
            raise RequestRefused("unknown_language", f"Whisper has no language {language!r}")
        words = bool(request.get("words"))
        # When greedy decoding fails its checks, faster-whisper retries with sampling at rising
        # temperatures; a fixed seed per request makes that fallback, and so the transcript, the same
        # for the same audio (an espeak-ng French round trip varied from 0.789 to 0.947 WER without it).
        ctranslate2.set_random_seed(1)
        segments, info = model.transcribe(
            audio,
            language=language,
            initial_prompt=request.get("prompt") or None,
            word_timestamps=words,
            beam_size=int(request.get("beamSize") or 5),
            # Silero VAD (bundled with faster-whisper, no download) drops the silences before
            # decoding, where Whisper would otherwise invent text; timestamps stay the audio's.
            vad_filter=bool(request.get("vadFilter")),
        )
        # The segments are a generator: decoding happens while they are read.
        result_segments = [
            {
                "start": round(segment.start, 3),
                "end": round(segment.end, 3),
                "text": segment.text.strip(),
                "words": [
                    {
                        "start": round(word.start, 3),
                        "end": round(word.end, 3),
                        "word": word.word.strip(),
                        "probability": round(word.probability, 4),
                    }
                    for word in (segment.words or [])
                ]
                if words
                else None,
            }
            for segment in segments
        ]
        return {
            "language": info.language,
            "languageProbability": round(info.language_probability, 4),
            "duration": round(info.duration, 3),
            "segments": result_segments,
        }

    serve(read, answer)


if __name__ == "__main__":
    main()
