-- A guest signing up for an event: every request a different name and phone number (the app
-- refuses a second signup with the same phone), and a different client address (the reverse
-- proxy's X-Forwarded-For: the app limits signups per address, as it should).
-- BENCH_CSRF is the form token of the guest session whose cookie comes with -H.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "measure.lua")

local threads_made = 0
local prefixes = { "090", "080", "070" }
local counter, token, prefix, salt

function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_number", threads_made)
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

function init(args)
  salt = thread_number or 1
  -- A different block of numbers for every run, so reruns on the same data never repeat.
  counter = (os.time() % 1000) * 100000
  token = os.getenv("BENCH_CSRF")
  prefix = prefixes[(salt - 1) % #prefixes + 1]
end

function request()
  counter = counter + 1
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  local block = math.floor(counter / 256)
  headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", salt, math.floor(block / 256) % 256,
    block % 256)
  local body = "csrf_token=" .. urlencode(token) ..
    "&name=" .. urlencode("ベンチ 太郎" .. salt .. "-" .. counter) ..
    "&phone=" .. prefix .. string.format("%08d", counter % 100000000) ..
    "&adults=1&children=0"
  return wrk.format("POST", nil, headers, body)
end
