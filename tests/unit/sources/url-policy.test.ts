import { describe, expect, it } from 'vitest';
import { isPrivateAddress } from '../../../connectors/shared/private-address.js';
import { checkSourceUrl } from '../../../src/sources/url-policy.js';

const strict = { allowPrivate: false };
const lenient = { allowPrivate: true };
const resolveTo = (addresses: string[]) => async () => addresses;

describe('url-policy', () => {
  describe('checkSourceUrl', () => {
    it('should accept public http and https URLs', async () => {
      expect(await checkSourceUrl('https://mlflow.example.com/', strict, resolveTo(['93.184.216.34']))).toBeNull();
      expect(await checkSourceUrl('http://203.0.113.10:5000', strict)).toBeNull();
    });

    it('should refuse other schemes whatever the private-address setting', async () => {
      for (const url of ['file:///etc/passwd', 'gopher://example.com', 'ftp://example.com', 'javascript:alert(1)']) {
        expect(await checkSourceUrl(url, lenient)).toMatch(/only http and https/);
      }
    });

    it('should refuse credentials in the URL without echoing them', async () => {
      const refusal = await checkSourceUrl('https://admin:hunter2@mlflow.example.com', lenient);
      expect(refusal).toMatch(/user name or password/);
      expect(refusal).not.toContain('hunter2');
    });

    it('should refuse loopback, private, link-local and metadata addresses when private addresses are not allowed', async () => {
      for (const url of [
        'http://127.0.0.1:8080',
        'http://10.1.2.3',
        'http://172.20.0.1',
        'http://192.168.1.1',
        'http://169.254.169.254/latest/meta-data/',
        'http://[::1]/',
        'http://[fe80::1]/',
        'http://[fd00::1]/',
        'http://[::ffff:127.0.0.1]/',
        'http://[::ffff:a9fe:a9fe]/',
        'http://2130706433/',
        'http://0x7f.1/',
        'http://0.0.0.0/',
        'http://localhost:5000',
        'http://api.localhost',
      ]) {
        expect(await checkSourceUrl(url, strict), url).not.toBeNull();
      }
    });

    it('should refuse a host name that resolves to an internal address', async () => {
      expect(await checkSourceUrl('http://metadata.internal.example', strict, resolveTo(['93.184.216.34', '169.254.169.254']))).toMatch(/resolves to 169\.254\.169\.254/);
    });

    it('should refuse a host name that does not resolve when private addresses are not allowed', async () => {
      const failing = async () => {
        throw new Error('ENOTFOUND');
      };
      expect(await checkSourceUrl('http://nowhere.example', strict, failing)).toMatch(/does not resolve/);
    });

    it('should allow private addresses when the hub allows them', async () => {
      expect(await checkSourceUrl('http://127.0.0.1:5000', lenient)).toBeNull();
      expect(await checkSourceUrl('http://10.0.0.5', lenient)).toBeNull();
    });

    it('should refuse values that are not absolute URLs', async () => {
      expect(await checkSourceUrl('mlflow.example.com', lenient)).toMatch(/absolute/);
      expect(await checkSourceUrl(42, lenient)).toMatch(/must be a URL/);
    });
  });

  describe('isPrivateAddress', () => {
    it('should classify public addresses as public', () => {
      expect(isPrivateAddress('8.8.8.8')).toBe(false);
      expect(isPrivateAddress('2606:4700::1111')).toBe(false);
      expect(isPrivateAddress('172.32.0.1')).toBe(false);
    });
  });
});
