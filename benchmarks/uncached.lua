-- Every request a different query text (a numbered comment), so no answer cache can help:
-- same work for the engine, a new cache key for powgraph.
local counter = 0
local id = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  id = tonumber(wrk.thread:get("id")) or 0
end

function request()
  counter = counter + 1
  local path = wrk.path .. "%23" .. id .. "-" .. counter .. "%0A"
  return wrk.format("GET", path)
end
