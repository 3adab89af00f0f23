// SPDX-License-Identifier: MIT
// The SAML HTTP-POST binding (saml-bindings-2.0-os §3.5.4) for gcas: submits the form
// #saml-post (the signed SAMLResponse for the service provider's ACS) as soon as the page
// loads. Without scripts the page's "続ける / Continue" button does the same. The page's CSP
// allows script-src 'self' and form-action to that ACS's origin only.
'use strict';
(function () {
  const form = document.getElementById('saml-post');
  if (!form) return;
  const button = form.querySelector('button');
  if (button) button.disabled = true; // no double submission while the browser navigates
  form.submit();
})();
