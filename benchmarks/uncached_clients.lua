-- As uncached.lua (every request a new query text, so no answer cache helps), but each wrk
-- thread is a client of its own: X-Forwarded-For: 10.0.0.<thread>, which the replicas trust
-- from 127.0.0.1 (benchmarks/replicas.sh sets POWGRAPH_TRUSTED_PROXIES). The load of several
-- clients, each within its admission share, rather than one client held to its share.
local counter = 0
local id = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  id = tonumber(wrk.thread:get("id")) or 0
  wrk.headers["X-Forwarded-For"] = "10.0.0." .. id
end

function request()
  counter = counter + 1
  local path = wrk.path .. "%23" .. id .. "-" .. counter .. "%0A"
  return wrk.format("GET", path)
end
