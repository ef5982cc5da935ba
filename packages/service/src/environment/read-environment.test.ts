import { expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigurationError } from '../errors/configuration-error.js';
import { optionalText, readEnvironment } from './read-environment.js';

const schema = z.object({
  KLODY_NAME: optionalText,
  KLODY_COUNT: optionalText.pipe(z.coerce.number<string>().int('must be a whole number').optional()),
});

it('reads trimmed values, empty ones as unset', () => {
  expect(readEnvironment(schema, { KLODY_NAME: '  klody ', KLODY_COUNT: ' ' })).toEqual({
    KLODY_NAME: 'klody',
    KLODY_COUNT: undefined,
  });
});

it('refuses a bad value with a ConfigurationError naming the variable', () => {
  expect(() => readEnvironment(schema, { KLODY_COUNT: '2.5' })).toThrow(ConfigurationError);
  expect(() => readEnvironment(schema, { KLODY_COUNT: '2.5' })).toThrow(
    'KLODY_COUNT: must be a whole number',
  );
});
