export {
  fetchPackument,
  type Packument,
  type StartVerdaccioOptions,
  startVerdaccio,
  type Verdaccio,
  verdaccioConfiguration,
} from './verdaccio.js';
