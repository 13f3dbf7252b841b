import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, type FieldError, type ProblemDetails } from './problem-details';

/** OpenAPI shape of `FieldError`. */
export class FieldErrorDto implements FieldError {
  @ApiProperty({ type: String, nullable: true, example: 'records[3].payload.personalIdentityNumber', description: 'Path of the field; null when the error is not about one field' })
  field!: string | null;

  @ApiProperty({ example: 'INVALID_CHECKSUM', description: 'Machine-readable reason code (the codes of import results, plus UNKNOWN_FIELD)' })
  code!: string;

  @ApiProperty({ example: 'The personal identity number has a wrong check digit (Luhn over the last 10 digits); check it for a typo.' })
  message!: string;
}

/** OpenAPI shape of an RFC 9457 problem. */
export class ProblemDto implements ProblemDetails {
  @ApiProperty({ example: 'urn:stafett:problem:validation-failed' })
  type!: string;

  @ApiProperty({ example: 'Validation failed' })
  title!: string;

  @ApiProperty({ example: 422 })
  status!: number;

  @ApiProperty({ example: 'The request has invalid fields; see errors.' })
  detail!: string;

  @ApiProperty({ example: '/v1/persons' })
  instance!: string;

  @ApiPropertyOptional({ type: [FieldErrorDto] })
  errors?: FieldErrorDto[];
}

/** Documents problem+json responses with the given statuses and descriptions. */
export function ApiProblemResponses(responses: Readonly<Record<number, string>>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto, FieldErrorDto),
    ...Object.entries(responses).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } } }),
    ),
  );
}
