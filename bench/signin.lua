-- SPDX-License-Identifier: MIT
-- wrk script for bench/signin.sh: every request is a complete password step, POST /signin with
-- the CSRF double-submit cookie and the same token in the form, plus the account's email and
-- password. Env: WRK_CSRF, WRK_EMAIL, WRK_PASSWORD (URL-safe characters only).
-- A request counts as good only when it is a 303 to /signin/enrol or /signin/factor (the
-- password was accepted); done() prints the counts and the first unexpected status.
local csrf = os.getenv("WRK_CSRF")
local email = os.getenv("WRK_EMAIL"):gsub("@", "%%40")
local password = os.getenv("WRK_PASSWORD")

wrk.method = "POST"
wrk.body = "csrf=" .. csrf .. "&email=" .. email .. "&password=" .. password
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = "gcas_csrf=" .. csrf

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  good = 0
  bad = 0
  first_bad = 0
end

function response(status, headers, body)
  local loc = headers["Location"] or headers["location"] or ""
  if status == 303 and (loc == "/signin/enrol" or loc == "/signin/factor") then
    good = good + 1
  else
    bad = bad + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local g, b, f = 0, 0, 0
  for _, t in ipairs(threads) do
    g = g + t:get("good")
    b = b + t:get("bad")
    if f == 0 then f = t:get("first_bad") end
  end
  io.write(string.format("signin_good %d\nsignin_bad %d\nsignin_first_bad_status %d\n", g, b, f))
end
