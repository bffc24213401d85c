-- wrk: random story ids of the synthetic store.
math.randomseed(2)
request = function()
  return wrk.format("GET", string.format("/api/stories/%d/provenance", math.random(1, 20000)))
end
