export { freePort, freePorts, servicePorts } from './free-port.js';
