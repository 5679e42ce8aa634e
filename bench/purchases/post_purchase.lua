-- wrk script: POST /api/v1/purchases with a unique external id and
-- Idempotency-Key per request, a random member of 1..MEMBERS and a random
-- total. Arguments (after --): TOKEN RUN_PREFIX MEMBERS.
local threads = {}

function setup(thread)
  thread:set("thread_number", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  prefix = args[2]
  members = tonumber(args[3])
  counter = 0
  math.randomseed(os.time() * 100 + thread_number)
end

function request()
  counter = counter + 1
  local id = string.format("%s-%d-%d", prefix, thread_number, counter)
  local body = string.format(
    '{"contact_id":%d,"total_minor":%d,"currency":"EUR","channel":"web",' ..
    '"occurred_at":"2026-11-24T10:00:00Z","external_id":"%s",' ..
    '"lines":[{"sku":"SKU-%d","category":"shoes","quantity":1,"unit_price_minor":%d}]}',
    math.random(1, members), 1000 + counter % 9000, id, counter % 50, 1000 + counter % 9000)
  return wrk.format("POST", "/api/v1/purchases", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = "key-" .. id,
  }, body)
end
