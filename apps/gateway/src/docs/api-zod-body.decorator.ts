import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';

/** Documents a body with the same zod schema that validates it, so the two cannot drift. */
export const ApiZodBody = (schema: z.ZodType, description?: string) =>
  ApiBody({ description, schema: z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' }) as object });
