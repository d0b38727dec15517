import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { escapeLike } from '../common/sql';
import {
  SearchUsersQueryDto,
  UserInfoResponseDto,
  UserSearchOrder,
  UserSearchResponseDto,
} from './dto/user-directory.dto';
import { UserEntity } from './user.entity';

export const USER_SEARCH_PAGE_SIZE = 30;

/**
 * Sort keys, each backed by an index (see the UserDirectoryIndexes migration). Names and emails
 * compare byte-wise ("C") so the order does not depend on the server's locale, like model names.
 */
const SORT_SQL: Record<UserSearchOrder, string> = {
  name: 'lower("u"."name") COLLATE "C"',
  email: '"u"."email" COLLATE "C"',
  created_at: '"u"."created_at"',
};

/** Finding people to share with: open to every approved account, so it shows no role or dates. */
@Injectable()
export class UserDirectoryService {
  constructor(@InjectRepository(UserEntity) private readonly users: Repository<UserEntity>) {}

  async search(query: SearchUsersQueryDto): Promise<UserSearchResponseDto> {
    const page = Math.max(1, query.page ?? 1);
    const order = query.direction === 'desc' ? 'DESC' : 'ASC';
    const builder = this.users
      .createQueryBuilder('u')
      .select(['u.id', 'u.name', 'u.username', 'u.email'])
      .orderBy(SORT_SQL[query.order_by ?? 'name'], order)
      .addOrderBy('u.id', order)
      .offset((page - 1) * USER_SEARCH_PAGE_SIZE)
      .limit(USER_SEARCH_PAGE_SIZE);
    if (query.query) {
      // `search` holds the lower-cased name, email and username (see userSearchText): its trigram index serves this.
      builder.where(`u.search LIKE :pattern`, { pattern: `%${escapeLike(query.query.toLowerCase())}%` });
    }
    const [users, total] = await builder.getManyAndCount();
    return { users: users.map((user) => UserInfoResponseDto.from(user)), total };
  }

  async info(id: string): Promise<UserInfoResponseDto> {
    const user = await this.users.findOne({ where: { id }, select: ['id', 'name', 'username', 'email'] });
    if (!user) throw new NotFoundException(`user ${id} not found`);
    return UserInfoResponseDto.from(user);
  }
}
