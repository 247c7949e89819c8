"""What a reverse proxy does in front of Odoo with workers, for `make run WORKERS=N` on 127.0.0.1.

With ``--workers``, Odoo serves HTTP from prefork workers on one port and the bus's websocket from its gevent
process on another (``gevent_port``); the browser knows one origin. Each connection whose first request is
``/websocket`` goes to the gevent port, every other one to the workers (a browser opens a new connection for a
websocket, so the first request decides). In production nginx does this (see README.md, Scaling).

Usage: ws_router.py LISTEN_PORT HTTP_PORT GEVENT_PORT
"""
import asyncio
import sys

HOST = "127.0.0.1"


async def pipe(reader, writer):
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def route(client_reader, client_writer, http_port, gevent_port):
    try:
        first = await client_reader.readline()  # b"GET /websocket?version=... HTTP/1.1\r\n"
        parts = first.split()
        port = gevent_port if len(parts) > 1 and parts[1].startswith(b"/websocket") else http_port
        upstream_reader, upstream_writer = await asyncio.open_connection(HOST, port)
    except (OSError, ValueError):
        client_writer.close()
        return
    upstream_writer.write(first)
    await asyncio.gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer))


async def main(listen_port, http_port, gevent_port):
    server = await asyncio.start_server(
        lambda r, w: route(r, w, http_port, gevent_port), HOST, listen_port, reuse_address=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(*(int(arg) for arg in sys.argv[1:4])))
