-- SPDX-License-Identifier: MIT
-- wrk script of bench/sso.sh (issue 4 §8): the console sign-in benchmarks, run with the same
-- wrk settings as the peers (wrk -t1 -c50 -d10s --latency --timeout 10s). Env:
--   MODE      redeem   each request redeems the next code of GRANTS (made first, untimed)
--             refresh  refresh exchanges; each answer's new refresh token goes back into the
--                      pool the next request takes from (rotation: a spent token never returns)
--             flow     a person with a session: GET authorize (cookie) → 302 with a code →
--                      POST token; a flow counts when its token answer carries an id_token
--             saml     SP-initiated AuthnRequest (HTTP-Redirect binding, a fresh ID each) →
--                      the page that posts the signed Response
--   GRANTS    file of codes (redeem) or refresh tokens (refresh), one per line
--   COOKIES   file of "gcas_session=..." lines (flow, saml), used in turn
--   CLIENT_ID, CLIENT_SECRET, REDIRECT, VERIFIER, CHALLENGE (S256 of VERIFIER), SP_ENTITY, ACS
-- Every answer is checked (a code in the Location, an id_token in the JSON, a SAMLResponse in
-- the page); anything else counts in "errors". done() prints "key value" lines for sso.sh:
-- ops (checked successes: grants or complete flows), seconds, rate, errors, p50_ms, p99_ms.
local mode = os.getenv("MODE")
local redirect = os.getenv("REDIRECT") or ""
local threads = {}

local function urlesc(s)
	return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", c:byte()) end))
end

local function lines(path)
	local t = {}
	if path and path ~= "" then
		for l in io.lines(path) do
			if l ~= "" then t[#t + 1] = l end
		end
	end
	return t
end

local b64chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function b64(s)
	local out, n = {}, #s
	for i = 1, n, 3 do
		local a, b, c = s:byte(i, i + 2)
		local v = a * 65536 + (b or 0) * 256 + (c or 0)
		local q = {}
		for k = 3, 0, -1 do
			local d = math.floor(v / 64 ^ k) % 64
			q[#q + 1] = b64chars:sub(d + 1, d + 1)
		end
		if not b then q[3], q[4] = "=", "=" elseif not c then q[4] = "=" end
		out[#out + 1] = table.concat(q)
	end
	return table.concat(out)
end

-- Raw DEFLATE (RFC 1951) as one stored block: what the Redirect binding's receiver must inflate
-- (SAML Bindings §3.4.4.1) without a compressor in the load generator.
local function deflate_stored(s)
	local n = #s
	local nn = 65535 - n
	return string.char(1, n % 256, math.floor(n / 256), nn % 256, math.floor(nn / 256)) .. s
end

-- The AuthnRequest of request n, deflated (one stored block) and base64url-escaped for the
-- Redirect binding. Only its ID changes per request and its IssueInstant per second, so the
-- text is laid out for base64 to be worked out in three parts: the part before the ID is padded
-- to a multiple of 3 bytes (with the 5-byte block header) and the ID is 24 bytes, so only the
-- ID's 32 base64 characters are encoded per request and the rest once a second.
local saml_cache = {}
local function saml_request(n)
	local now = os.time()
	if saml_cache.t ~= now then
		local head = '<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ' ..
			'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
		while (5 + #head + #' ID="') % 3 ~= 0 do head = head .. " " end
		head = head .. ' ID="'
		local tail = '" Version="2.0" IssueInstant="' .. os.date("!%Y-%m-%dT%H:%M:%SZ", now) ..
			'" AssertionConsumerServiceURL="' .. os.getenv("ACS") ..
			'" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"><saml:Issuer>' ..
			os.getenv("SP_ENTITY") .. "</saml:Issuer></samlp:AuthnRequest>"
		local block = deflate_stored(head .. string.rep("x", 24) .. tail)
		saml_cache = {t = now, pre = urlesc(b64(block:sub(1, 5 + #head))),
			post = urlesc(b64(tail))}
	end
	local id = string.format("_w%010d_%011d", now % 10000000000, n % 100000000000)
	return saml_cache.pre .. urlesc(b64(id)) .. saml_cache.post
end

function setup(thread)
	threads[#threads + 1] = thread
end

function init(args)
	ok, bad, seq = 0, 0, 0
	pool = lines(os.getenv("GRANTS"))
	cookies = lines(os.getenv("COOKIES"))
	codes = {}
	auth = "Basic " .. b64((os.getenv("CLIENT_ID") or "") .. ":" .. (os.getenv("CLIENT_SECRET") or ""))
	form_headers = {["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = auth}
end

local function token_request(body)
	return wrk.format("POST", "/oidc/token", form_headers, body)
end

local function cookie_headers()
	seq = seq + 1
	return {["Cookie"] = cookies[seq % #cookies + 1]}, seq
end

function request()
	if mode == "redeem" or (mode == "flow" and #codes > 0) then
		local code = mode == "redeem" and table.remove(pool) or table.remove(codes)
		return token_request("grant_type=authorization_code&code=" .. (code or "exhausted") ..
			"&redirect_uri=" .. urlesc(redirect) .. "&code_verifier=" .. os.getenv("VERIFIER"))
	elseif mode == "refresh" then
		return token_request("grant_type=refresh_token&refresh_token=" .. (table.remove(pool) or "exhausted"))
	elseif mode == "flow" then
		local h, n = cookie_headers()
		return wrk.format("GET", "/oidc/authorize?response_type=code&client_id=" ..
			os.getenv("CLIENT_ID") .. "&redirect_uri=" .. urlesc(redirect) ..
			"&scope=openid%20email&state=s" .. n .. "&nonce=n" .. n .. "&code_challenge=" ..
			os.getenv("CHALLENGE") .. "&code_challenge_method=S256", h)
	else
		local h, n = cookie_headers()
		return wrk.format("GET", "/saml/sso?SAMLRequest=" .. saml_request(n), h)
	end
end

function response(status, headers, body)
	if mode == "saml" then
		if status == 200 and body:find("SAMLResponse", 1, true) then ok = ok + 1 else bad = bad + 1 end
		return
	end
	if mode == "flow" and (status == 302 or status == 303) then
		local code = (headers["Location"] or headers["location"] or ""):match("[?&]code=([^&]+)")
		if code then codes[#codes + 1] = code else bad = bad + 1 end
		return
	end
	if status ~= 200 or not body:find('"id_token"', 1, true) then
		bad = bad + 1
		return
	end
	ok = ok + 1
	if mode == "refresh" then
		local t = body:match('"refresh_token"%s*:%s*"([^"]+)"')
		if t then pool[#pool + 1] = t end
	end
end

function done(summary, latency, requests)
	local o, b = 0, 0
	for _, t in ipairs(threads) do
		o, b = o + t:get("ok"), b + t:get("bad")
	end
	local e = summary.errors
	b = b + e.connect + e.read + e.write + e.timeout
	local s = summary.duration / 1e6
	io.write(string.format("ops %d\nseconds %.3f\nrate %.1f\nerrors %d\nrequests %d\np50_ms %.2f\np99_ms %.2f\n",
		o, s, o / s, b, summary.requests, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
