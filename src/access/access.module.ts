import { Module } from '@nestjs/common';
import { AccessGrantsService } from './access-grants.service';

@Module({ providers: [AccessGrantsService], exports: [AccessGrantsService] })
export class AccessModule {}
