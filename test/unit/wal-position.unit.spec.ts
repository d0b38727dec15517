import { lagSeconds, parseLsn } from '../../src/database/wal-position';

describe('WAL positions', () => {
  it('reads pg_lsn text as a number that orders like PostgreSQL', () => {
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(parseLsn('1/0') > parseLsn('0/FFFFFFFF')).toBe(true);
    expect(() => parseLsn('16B374D848')).toThrow('not a WAL position');
  });

  const samples = [
    { at: 1_000, lsn: 100n },
    { at: 2_000, lsn: 200n },
    { at: 3_000, lsn: 300n },
  ];

  it('is 0 behind once the newest primary position is replayed, however long the primary was idle', () => {
    expect(lagSeconds(samples, 300n, 3_600_000)).toBe(0);
    expect(lagSeconds(samples, 350n, 3_600_000)).toBe(0);
  });

  it('is as far behind as the newest primary position it has replayed is old', () => {
    expect(lagSeconds(samples, 250n, 4_000)).toBe(2);
    expect(lagSeconds(samples, 100n, 4_000)).toBe(3);
  });

  it('behind every sample kept, at least as old as the oldest', () => {
    expect(lagSeconds(samples, 50n, 10_000)).toBe(9);
  });

  it('without samples (the primary never answered) reports no lag', () => {
    expect(lagSeconds([], 50n, 10_000)).toBe(0);
  });
});
