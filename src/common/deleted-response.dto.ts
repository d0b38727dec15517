import { ApiProperty } from '@nestjs/swagger';

/** The answer of every DELETE of a user, group or API key. */
export class DeletedResponseDto {
  @ApiProperty()
  id!: string;

  @ApiProperty({ enum: [true] })
  deleted!: true;

  static of(id: string): DeletedResponseDto {
    return { id, deleted: true };
  }
}
