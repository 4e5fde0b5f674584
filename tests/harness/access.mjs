// A Cloudflare Access team for tests: an RSA signing key (and an impostor's), the team's JWKS
// served at https://<team>/cdn-cgi/access/certs through the platform's outbound handler, and
// Cf-Access-Jwt-Assertion tokens minted with any claims.
//
//   const access = createAccess({ now: () => platform.now() });
//   startPlatform({ outbound: access.outbound(fakes.fetch), bindings: { admin: access.vars() } });
//   fetch(url, { headers: { 'Cf-Access-Jwt-Assertion': access.jwt({ email: 'tim@…' }) } });
//   access.jwt({ exp: 0 }), access.jwt({}, { key: 'impostor' }), access.jwt({ aud: ['other'] })
//
// `access.jwks` is the document itself, and `access.certFetches` counts the fetches. The local
// stack (tests/harness/dev.mjs) uses the same team as Cloudflare Access's stand-in.
import { createSign, generateKeyPairSync } from 'node:crypto';

const b64u = (s) => Buffer.from(s).toString('base64url');

export const DEFAULT_TEAM = 'rtopacks-test.cloudflareaccess.com';
export const DEFAULT_AUD = 'aud-admin-test';
export const HEADER = 'Cf-Access-Jwt-Assertion';

/**
 * createAccess({ team, aud, kid, now, email }) → { team, aud, kid, jwks, jwt(claims, { key, kid }),
 * headers(claims), outbound(next), vars(extra), certFetches }.
 * `now()` is the clock tokens are dated by (the platform's, so `exp` follows setClock).
 */
export function createAccess({ team = DEFAULT_TEAM, aud = DEFAULT_AUD, kid = 'team-1', now = () => new Date(),
  email = 'operator@rtopacks.com.au' } = {}) {
  const keys = {
    team: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    impostor: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  };
  const jwks = { keys: [{ ...keys.team.publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] };
  const access = {
    team, aud, kid, jwks, certFetches: 0,
    /** A signed token; claims set to `undefined` are left out. `key`: 'team' | 'impostor'. */
    jwt(claims = {}, { key = 'team', kid: keyId = kid } = {}) {
      const t = Math.floor(now().getTime() / 1000);
      const head = b64u(JSON.stringify({ alg: 'RS256', kid: keyId, typ: 'JWT' }));
      const body = b64u(JSON.stringify({
        aud: [aud], email, iss: `https://${team}`, exp: t + 600, nbf: t - 5, iat: t - 5,
        sub: `sub-${email}`, type: 'app', country: 'AU', ...claims,
      }));
      const sig = createSign('RSA-SHA256').update(`${head}.${body}`).sign(keys[key].privateKey);
      return `${head}.${body}.${b64u(sig)}`;
    },
    /** `{ 'Cf-Access-Jwt-Assertion': jwt(claims) }`. */
    headers(claims = {}) {
      return { [HEADER]: access.jwt(claims) };
    },
    /** An outbound handler serving the team's certs and passing everything else to `next`. */
    outbound(next = () => new Response('no upstream here', { status: 502 })) {
      return (request, ...rest) => {
        const url = new URL(request.url);
        if (url.hostname === team && url.pathname === '/cdn-cgi/access/certs') {
          access.certFetches++;
          return Response.json(jwks);
        }
        return next(request, ...rest);
      };
    },
    /** ACCESS_TEAM_DOMAIN and ACCESS_AUD for a worker accepting this team's tokens. */
    vars(extra = {}) {
      return { ACCESS_TEAM_DOMAIN: team, ACCESS_AUD: aud, ...extra };
    },
  };
  return access;
}
