import { AccessGrantEntity } from '../access/access-grant.entity';
import { ApiKeyEntity } from '../api-keys/api-key.entity';
import { GroupMemberEntity } from '../groups/group-member.entity';
import { GroupEntity } from '../groups/group.entity';
import { ModelEntity } from '../models/model.entity';
import { UserEntity } from '../users/user.entity';

export const ENTITIES = [UserEntity, GroupEntity, GroupMemberEntity, ApiKeyEntity, ModelEntity, AccessGrantEntity];
