import { z } from 'zod';

/** A voice profile: which engine and voice speak, and how (a row of vocalbrain.db). */
export interface VoiceProfile {
  name: string;
  engine: string;
  /** The engine's voice id, or null for the engine's voice for `language`. */
  voice: string | null;
  language: string | null;
  /** Relative speed (1 normal, 0.25–4). */
  speed: number;
  /** Relative pitch (1 normal, 0–2); engines without pitch control ignore it. */
  pitch: number;
  /** Integrated loudness the audio is normalised to (LUFS), or null to leave it as the engine makes it. */
  loudnessLufs: number | null;
  /** Present for a cloned voice: the recording it is cloned from, the speaker's consent, the engine. */
  clone: { referencePath: string; consent: string; engine: string } | null;
  createdAt: number;
  updatedAt: number;
}

/** Names are what `model` or `voice` may say in a request: no slash (that separates engine/voice). */
export const profileNameSchema = z
  .string()
  .trim()
  .min(1, 'name is empty')
  .max(64, 'name is longer than 64 characters')
  .regex(
    /^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u,
    'name may hold letters, digits, spaces, ".", "_" and "-" (no "/")',
  );

export const profileInputSchema = z.strictObject({
  name: profileNameSchema,
  engine: z.string().trim().min(1, 'engine is empty'),
  voice: z.string().trim().min(1).nullable().optional(),
  language: z.string().trim().min(1).nullable().optional(),
  speed: z.number().finite().min(0.25).max(4).optional(),
  pitch: z.number().finite().min(0).max(2).optional(),
  loudnessLufs: z.number().finite().min(-70).max(0).nullable().optional(),
  clone: z
    .strictObject({
      referencePath: z.string().trim().min(1, 'clone.referencePath is empty'),
      consent: z
        .string()
        .trim()
        .min(1, 'clone.consent is required: who agreed to this voice being cloned, and for what'),
      engine: z.string().trim().min(1, 'clone.engine is empty'),
    })
    .nullable()
    .optional(),
});

export type ProfileInput = z.infer<typeof profileInputSchema>;
