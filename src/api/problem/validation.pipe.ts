import { ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { FieldError } from '../../domain/shared';
import { ProblemException } from './problem-exception';

function flatten(errors: ClassValidatorError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Request DTO validation that answers with field errors in the problem format. */
export function problemValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new ProblemException(
        400,
        'validation-failed',
        'Bad Request',
        fieldErrors.map((f) => `${f.field} ${f.message}`).join('; '),
        {
          errors: fieldErrors,
        },
      );
    },
  });
}
