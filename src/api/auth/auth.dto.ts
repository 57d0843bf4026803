import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, Role } from '../../domain/auth';

const EMAIL_MAX_LENGTH = 254;
// Phone keyboards like to append a space to an address; passwords are taken exactly as typed.
const Trimmed = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

export class RegisterRequest {
  @ApiProperty({ format: 'email', example: 'alice@example.com', maxLength: EMAIL_MAX_LENGTH })
  @Trimmed()
  @IsEmail()
  @MaxLength(EMAIL_MAX_LENGTH)
  email!: string;

  @ApiProperty({
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    example: 'correct horse battery staple',
  })
  @IsString()
  @MinLength(PASSWORD_MIN_LENGTH)
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}

/** No minimum length here: a short password is a wrong one (401), not a malformed request. */
export class LoginRequest {
  @ApiProperty({ format: 'email', example: 'alice@example.com' })
  @Trimmed()
  @IsEmail()
  @MaxLength(EMAIL_MAX_LENGTH)
  email!: string;

  @ApiProperty({ maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}

export class RefreshRequest {
  @ApiProperty({ description: 'The refresh token of the last sign-in or refresh. It can be used once.' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  refreshToken!: string;
}

export class TokenPairResponse {
  @ApiProperty({ description: 'Send as `Authorization: Bearer <accessToken>`.' }) accessToken!: string;
  @ApiProperty({ description: 'Opaque; exchange it at /auth/refresh for a new pair. Single use.' })
  refreshToken!: string;
  @ApiProperty({ enum: ['Bearer'], enumName: 'TokenType' }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the access token expires.', example: 900 }) expiresIn!: number;
}

export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'alice@example.com' }) email!: string;
  @ApiProperty({ enum: Role, enumName: 'Role', isArray: true }) roles!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class RegisterResponse extends TokenPairResponse {
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
}

export class ActorResponse {
  @ApiProperty({ description: 'Our user id, or the `sub` of an external identity provider.' }) userId!: string;
  @ApiProperty({ enum: Role, enumName: 'Role', isArray: true }) roles!: string[];
}
