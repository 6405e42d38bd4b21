"""A real RTSP server that is not ours: GStreamer's gst-rtsp-server, as many NVRs and
cameras embed it. Serves an H.264 test pattern at rtsp://127.0.0.1:PORT/MOUNT.

  python3 gst_rtsp_server.py PORT MOUNT [--tcp-only] [--user U --password P] [--video FILE.mp4]

--video serves an H.264 MP4 instead (the demo's shelf footage), without re-encoding: each
reader gets its own pipeline that plays the file from the start.

Prints "ready" once it listens; runs until killed.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtsp, GstRtspServer  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("port")
p.add_argument("mount")
p.add_argument("--tcp-only", action="store_true")
p.add_argument("--user")
p.add_argument("--password")
p.add_argument("--video")
a = p.parse_args()

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(a.port)
factory = GstRtspServer.RTSPMediaFactory()
# a camera-like stream: 640x360 at 10 fps, a keyframe every second
if a.video:
    factory.set_launch(
        f'( filesrc location="{a.video}" ! qtdemux ! h264parse ! rtph264pay name=pay0 pt=96 config-interval=1 )'
    )
    factory.set_shared(False)
else:
    factory.set_launch(
        "( videotestsrc is-live=true pattern=ball ! video/x-raw,width=640,height=360,framerate=10/1 "
        "! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=10 "
        "! rtph264pay name=pay0 pt=96 config-interval=1 )"
    )
    factory.set_shared(True)
if a.tcp_only:
    factory.set_protocols(GstRtsp.RTSPLowerTrans.TCP)
if a.user:
    auth = GstRtspServer.RTSPAuth()
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", a.user)
    auth.add_basic(GstRtspServer.RTSPAuth.make_basic(a.user, a.password), token)
    server.set_auth(auth)
    perms = GstRtspServer.RTSPPermissions()
    perms.add_permission_for_role(a.user, "media.factory.access", True)
    perms.add_permission_for_role(a.user, "media.factory.construct", True)
    factory.set_permissions(perms)
server.get_mount_points().add_factory("/" + a.mount.lstrip("/"), factory)
if server.attach(None) == 0:
    sys.exit(f"cannot listen on 127.0.0.1:{a.port}")
print("ready", flush=True)
GLib.MainLoop().run()
