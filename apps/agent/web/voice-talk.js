// One spoken conversation with Klody over the `/voice` WebSocket: the microphone goes out as 16 kHz
// mono s16le frames (microphone-worklet.js), the server's JSON messages go to `onMessage`, and its
// speech is played as it comes (speech-player.js). The page decides what to show; this module only
// moves audio and messages.
import { createSpeechPlayer } from '/speech-player.js';

/** Where the page keeps the agent's API key when it has one (this tab only). */
const keyItem = 'klody-agent-api-key';

/**
 * Starts talking: asks for the microphone, opens the socket, sends `configure`. `onMessage` gets each
 * server message, `onEnd` the reason the conversation ended (null when `stop` ended it).
 */
export async function startVoiceTalk({ sessionId, onMessage, onEnd, reportOn }) {
  // Echo cancellation lets the user interrupt Klody by speaking (full duplex); a browser that cannot
  // cancel the echo would hear Klody in the microphone, so the server then ignores it while it speaks.
  const stream = await navigator.mediaDevices.getUserMedia({
    audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 },
  });
  const track = stream.getAudioTracks()[0];
  const duplex = track?.getSettings().echoCancellation === true ? 'full' : 'half';

  const context = new AudioContext();
  const player = createSpeechPlayer(context, reportOn);
  let socket = null;
  let ended = false;
  let framesSent = 0;

  /** Microphone off, speech cut, socket and audio closed; false when that was already done. */
  function release() {
    if (ended) return false;
    ended = true;
    player.stop();
    for (const each of stream.getTracks()) each.stop();
    if (socket && socket.readyState <= WebSocket.OPEN) socket.close(1000, 'the user stopped talking');
    context.close();
    return true;
  }

  function end(reason) {
    if (release()) onEnd(reason);
  }

  try {
    await context.audioWorklet.addModule('/microphone-worklet.js');
    const microphone = context.createMediaStreamSource(stream);
    const downsampler = new AudioWorkletNode(context, 'microphone-downsampler', {
      numberOfOutputs: 1,
      outputChannelCount: [1],
    });
    // Connected to the output (it writes silence) so that the audio graph keeps pulling it.
    microphone.connect(downsampler).connect(context.destination);

    const key = sessionStorage.getItem(keyItem);
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/voice`;
    // A page cannot set headers on a WebSocket: the key travels as a subprotocol beside the real one.
    socket = new WebSocket(url, key ? ['klody-voice', `klody-key.${key}`] : []);
    socket.binaryType = 'arraybuffer';
    socket.addEventListener('open', () => {
      socket.send(
        JSON.stringify({
          type: 'configure',
          duplex,
          approvals: 'ask',
          partials: true,
          ...(sessionId ? { sessionId } : {}),
        }),
      );
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data !== 'string') {
        player.play(event.data);
        return;
      }
      const message = JSON.parse(event.data);
      if (message.type === 'audio-start') player.setSampleRate(message.sampleRate);
      if (message.type === 'interrupted') player.stop();
      onMessage(message);
    });
    socket.addEventListener('close', (event) => {
      // The browser hides why an upgrade was refused (a wrong key, a server without voice): 1006.
      const reason =
        event.code === 1006
          ? 'the voice connection was refused or lost'
          : `the voice connection closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`;
      end(reason);
    });
    downsampler.port.onmessage = (event) => {
      if (socket.readyState !== WebSocket.OPEN) return;
      socket.send(event.data);
      framesSent++;
      reportOn.dataset.framesSent = String(framesSent);
    };
  } catch (error) {
    release();
    throw error;
  }

  return {
    duplex,
    /** Answers what Klody waits on (an approval, whether to go on) as « oui » or « non » would. */
    answer(decision) {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'answer', decision }));
    },
    /** Stop Klody now (the interrupt message), without ending the conversation. */
    interrupt() {
      player.stop();
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'interrupt' }));
    },
    /** The user is done: the turn in progress ends now, then the socket closes. */
    stop() {
      if (!ended && socket.readyState === WebSocket.OPEN)
        socket.send(JSON.stringify({ type: 'end-of-audio' }));
      end(null);
    },
  };
}
