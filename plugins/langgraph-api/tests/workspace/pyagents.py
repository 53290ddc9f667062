async def echo(ctx):
    await ctx.output("py said: ")
    await ctx.output(str(ctx.input))


async def gated(ctx):
    decision = await ctx.request_approval({"tool": "echo_tool", "args": {"value": ctx.input}},
                                          "echoing needs a human")
    if not decision.approved:
        yield f"refused: {decision.message}"
        return
    yield "approved: " + str(ctx.input)
