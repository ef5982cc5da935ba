export {
  checkRequestNumbers,
  findNonFiniteNumber,
  type SamplingParameter,
  samplingParameterSchemas,
} from './sampling-parameters.js';
