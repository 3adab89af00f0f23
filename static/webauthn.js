// SPDX-License-Identifier: MIT
// Security keys (WebAuthn) for gcas. Reads the options the server wrote into data-options of
// #webauthn, runs navigator.credentials.create or .get when its form is submitted, and posts
// the result as JSON in the form's hidden "credential" field (base64url for every binary
// member, as src/crypto/webauthn.c webauthn_response_parse expects). Loaded only by the two
// WebAuthn pages, whose CSP allows script-src 'self'; every other page runs no script.
'use strict';
(function () {
  const root = document.getElementById('webauthn');
  if (!root) return;
  const form = root.querySelector('form');
  const field = form && form.querySelector('input[name="credential"]');
  const status = root.querySelector('.webauthn-status');
  const mode = root.dataset.mode;
  if (!form || !field) return;

  function show(msg) {
    if (!status) return;
    (status.querySelector('p') || status).textContent = msg || '';
    status.hidden = !msg;
  }

  function b64uToBuf(s) {
    let t = s.replace(/-/g, '+').replace(/_/g, '/');
    while (t.length % 4) t += '=';
    const bin = atob(t);
    const u = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) u[i] = bin.charCodeAt(i);
    return u.buffer;
  }

  function bufToB64u(buf) {
    const u = new Uint8Array(buf);
    let s = '';
    for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  if (!window.PublicKeyCredential || !navigator.credentials) {
    show(root.dataset.msgUnsupported);
    return;
  }

  form.addEventListener('submit', async function (ev) {
    if (field.value) return; // already filled: let the browser post it
    ev.preventDefault();
    show('');
    let o;
    try {
      o = JSON.parse(root.dataset.options);
    } catch (e) {
      show(root.dataset.msgFailed);
      return;
    }
    o.challenge = b64uToBuf(o.challenge);
    try {
      let cred;
      const out = {};
      if (mode === 'create') {
        o.user.id = b64uToBuf(o.user.id);
        (o.excludeCredentials || []).forEach(function (c) { c.id = b64uToBuf(c.id); });
        cred = await navigator.credentials.create({ publicKey: o });
        out.response = {
          clientDataJSON: bufToB64u(cred.response.clientDataJSON),
          attestationObject: bufToB64u(cred.response.attestationObject),
        };
      } else {
        (o.allowCredentials || []).forEach(function (c) { c.id = b64uToBuf(c.id); });
        cred = await navigator.credentials.get({ publicKey: o });
        out.response = {
          clientDataJSON: bufToB64u(cred.response.clientDataJSON),
          authenticatorData: bufToB64u(cred.response.authenticatorData),
          signature: bufToB64u(cred.response.signature),
        };
      }
      out.id = bufToB64u(cred.rawId);
      out.type = cred.type;
      field.value = JSON.stringify(out);
      form.submit();
    } catch (e) {
      show(root.dataset.msgFailed);
    }
  });
})();
