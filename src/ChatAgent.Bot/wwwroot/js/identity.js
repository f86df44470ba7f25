// Who the person at this browser says they are: a name in a cookie, settable with ?as=<name>.
// Acting as "alice" means acting as web:alice; the bot's approver rules decide what that name may do.

const COOKIE = 'chatagent_name';
const NAME = /^[A-Za-z0-9._-]{1,40}$/;

function readCookie() {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${COOKIE}=`));
  return match ? decodeURIComponent(match.slice(COOKIE.length + 1)) : '';
}

export function isValidName(name) { return NAME.test(name); }

export function saveName(name) {
  document.cookie = `${COOKIE}=${encodeURIComponent(name)}; path=/; max-age=${60 * 60 * 24 * 365}; SameSite=Lax`;
}

/** The name from ?as= (saved for next time) or the cookie; '' when unknown. */
export function initialName() {
  const fromUrl = new URLSearchParams(location.search).get('as');
  if (fromUrl && isValidName(fromUrl.trim())) {
    saveName(fromUrl.trim());
    return fromUrl.trim();
  }
  return readCookie();
}

/** One id per browser tab: the web chat "conversation" its threads are launched from. */
export function sessionId() {
  let id = sessionStorage.getItem('chatagent_session');
  if (!id) {
    id = `s-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    sessionStorage.setItem('chatagent_session', id);
  }
  return id;
}
