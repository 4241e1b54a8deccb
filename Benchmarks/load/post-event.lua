-- wrk: each request POSTs one new estimated event (EST: no sequence rule applies, so every
-- request records exactly one event) for one of the containers in $BOXES (comma-separated, taken
-- in turn, as many terminals report many boxes); times differ per request, and per wrk when each
-- is given its own $OFFSET (several wrk at once against several servers).
counter = 0
-- `thread_id` is set per thread by setup() (a global of that thread's Lua state: no local here).
local threads = {}
boxes = {}
for box in string.gmatch(os.getenv("BOXES"), "[^,]+") do table.insert(boxes, box) end

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  counter = counter + 1
  local minute = (tonumber(os.getenv("OFFSET") or "0") * 16 + thread_id) * 1000000 + counter
  local at = os.date("!%Y-%m-%dT%H:%M:00Z", 1893456000 + minute * 60)
  local body = '[{"eventType":"EQUIPMENT","equipmentEventTypeCode":"INSP","eventClassifierCode":"EST","eventDateTime":"'
    .. at .. '","equipmentReference":"' .. boxes[counter % #boxes + 1] .. '","eventLocation":{"UNLocationCode":"CNCQI"}}]'
  return wrk.format("POST", "/corridor/v1/events", { ["Authorization"] = "Bearer " .. os.getenv("KEY"),
    ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  io.write(string.format("posted: %d requests, %d non-2xx, %d socket errors\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
