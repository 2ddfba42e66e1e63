// The /v1 API, same-origin. Behind a council's reverse proxy the proxy adds the Authorization
// header; locally the token typed into the sign-in form is kept in sessionStorage (gone when the
// tab closes) and never put in a URL.

const tokenKey = 'casegate.token';

export const session = {
  token: () => sessionStorage.getItem(tokenKey),
  signIn: (token) => sessionStorage.setItem(tokenKey, token.trim()),
  signOut: () => sessionStorage.removeItem(tokenKey),
  // The token's subject, to say who is signed in (the server verifies the token; this only reads it).
  user() {
    const token = this.token();
    if (!token) return null;
    try {
      const payload = token.split('.')[1].replaceAll('-', '+').replaceAll('_', '/');
      return JSON.parse(atob(payload)).sub ?? null;
    } catch {
      return null;
    }
  },
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function headers(extra = {}) {
  const token = session.token();
  return token ? { ...extra, Authorization: `Bearer ${token}` } : extra;
}

export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== '' && value != null) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function request(path, params) {
  const response = await fetch(`/v1/${path}${query(params)}`, { headers: headers(), cache: 'no-store' });
  if (response.ok) return response;
  let problem = {};
  try {
    problem = await response.json();
  } catch {
    // not a problem document: the status says enough
  }
  throw new ApiError(response.status, problem.code ?? 'internal',
    problem.detail ?? `the server answered ${response.status}`);
}

export async function get(path, params = {}) {
  return (await request(path, params)).json();
}

export async function getText(path, params = {}) {
  return (await request(path, params)).text();
}

// GET, but a 403 (a report this role may not see) is null rather than an error.
export async function getIfAllowed(path, params = {}) {
  try {
    return await get(path, params);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return null;
    throw error;
  }
}

export async function getBlob(path, params = {}) {
  return (await request(path, params)).blob();
}
