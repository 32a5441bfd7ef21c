import { BadRequestException, PipeTransform } from '@nestjs/common';
import { ZodType } from 'zod';

/** 400 naming every invalid field; the handler only ever sees a parsed, typed body. */
export class ZodValidationPipe<T> implements PipeTransform<unknown, T> {
  constructor(private readonly schema: ZodType<T>) {}

  transform(value: unknown): T {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const issues = result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
    throw new BadRequestException({
      statusCode: 400,
      error: 'VALIDATION_FAILED',
      message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
      issues,
    });
  }
}
