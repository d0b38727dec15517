import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordHasher } from './password-hasher';
import { UserDirectoryController } from './user-directory.controller';
import { UserDirectoryService } from './user-directory.service';
import { UserEntity } from './user.entity';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  // UserDirectoryController first: its /api/users/search must match before UsersController's /api/users/:id.
  controllers: [UserDirectoryController, UsersController],
  providers: [UsersService, UserDirectoryService, PasswordHasher],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
