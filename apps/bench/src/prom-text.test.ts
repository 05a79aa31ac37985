import { firstMetric, sumMetric } from './prom-text';

const TEXT = [
  '# HELP vault_logins_total Vault logins, by auth method and result.',
  '# TYPE vault_logins_total counter',
  'vault_logins_total{method="approle",result="ok",service="wallet"} 1',
  'vault_logins_total{method="approle",result="error",service="wallet"} 2',
  'vault_logins_total_extra 40',
  'vault_client_logins 1',
  'tenant_jwks_fetches{service="agent"} 3',
].join('\n');

describe('sumMetric', () => {
  it('sums every sample of the metric and ignores metrics that only share its prefix', () => {
    expect(sumMetric(TEXT, 'vault_logins_total')).toBe(3);
  });

  it('keeps only the samples whose labels include the given pairs', () => {
    expect(sumMetric(TEXT, 'vault_logins_total', { result: 'ok' })).toBe(1);
    expect(
      sumMetric(TEXT, 'vault_logins_total', { result: 'timeout' }),
    ).toBeUndefined();
  });

  it('reads samples without labels and says undefined for a metric that is not there', () => {
    expect(sumMetric(TEXT, 'vault_client_logins')).toBe(1);
    expect(sumMetric(TEXT, 'vault_jwt_exchanges_total')).toBeUndefined();
  });
});

describe('firstMetric', () => {
  it('uses the first name the service exposes', () => {
    expect(
      firstMetric(TEXT, ['jwks_fetches_total', 'tenant_jwks_fetches']),
    ).toBe(3);
    expect(firstMetric(TEXT, ['nope'])).toBeUndefined();
  });
});
