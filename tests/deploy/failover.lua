-- wrk load for the failover test: every request is a new query text (a numbered comment), so
-- no cache answers it and each one reaches a replica; GET and POST in turn. done() prints
-- every answer that was not a 200 ("failed <unix time> <status>") and the 200s per second
-- ("answered <unix second> <count>").
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } timeval;
  int gettimeofday(timeval *tv, void *tz);
]]
local tv = ffi.new("timeval")

local function now()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) + tonumber(tv.tv_usec) / 1e6
end

local QUERY = "query=SELECT%20%3Fo%20%3Fp%20WHERE%20%7B%20%3Fo%20pow%3AprintedValue%20%3Fp%20%7D"
  .. "%20LIMIT%2010%0A%23"
local ACCEPT = "application/sparql-results+json"
local threads = {}
local counter = 0
local id = 0
failed = {}
answered = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  id = tonumber(wrk.thread:get("id")) or 0
end

function request()
  counter = counter + 1
  local body = QUERY .. id .. "-" .. counter
  if counter % 2 == 0 then
    local headers = { ["Accept"] = ACCEPT, ["Content-Type"] = "application/x-www-form-urlencoded" }
    return wrk.format("POST", "/sparql", headers, body)
  end
  return wrk.format("GET", "/sparql?" .. body, { ["Accept"] = ACCEPT })
end

function response(status, headers, body)
  local t = now()
  if status == 200 then
    local second = math.floor(t)
    answered[second] = (answered[second] or 0) + 1
  else
    failed[#failed + 1] = string.format("%.3f %d", t, status)
  end
end

function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for _, line in ipairs(thread:get("failed")) do
      print("failed " .. line)
    end
    for second, count in pairs(thread:get("answered")) do
      print(string.format("answered %d %d", second, count))
    end
  end
end
