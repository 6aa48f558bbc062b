(() => {
  // Swaps in the server-rendered <main> when it changed; the ETag makes an unchanged page a 304 with no body.
  const main = document.querySelector('main');
  const stamp = document.getElementById('updated');
  let etag = main.dataset.etag;
  const show = (text, stale) => { stamp.textContent = text; stamp.classList.toggle('stale', stale); };
  async function refresh() {
    try {
      const response = await fetch('page/main', { headers: { 'If-None-Match': etag }, cache: 'no-store' });
      if (response.status === 200) {
        main.innerHTML = await response.text();
        etag = response.headers.get('ETag') || '';
      }
      if (response.status === 200 || response.status === 304) {
        show('updated ' + new Date().toLocaleTimeString(), false);
      } else {
        show('agent answered ' + response.status + '; retrying', true);
      }
    } catch {
      show('agent unreachable; retrying', true);
    }
    setTimeout(refresh, 3000);
  }
  setTimeout(refresh, 3000);
})();
