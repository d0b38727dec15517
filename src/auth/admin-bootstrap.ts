import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG, RuntimeConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';

/** ADMIN_EMAIL + ADMIN_PASSWORD: creates that admin at start unless an account has the email. */
@Injectable()
export class AdminBootstrap implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: RuntimeConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword, adminName } = this.config;
    if (!adminEmail || !adminPassword) return;
    const created = await this.users.ensureAdmin({ name: adminName, email: adminEmail, password: adminPassword });
    if (created) this.logger.log(`Created admin account ${created.email} from ADMIN_EMAIL`);
  }
}
