-- wrk: random article ids of the synthetic store (synth_store example).
math.randomseed(1)
request = function()
  return wrk.format("GET", string.format("/api/articles/syn%08d", math.random(0, 99999)))
end
