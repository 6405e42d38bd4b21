"""A real RTSP server that is not ours: GStreamer's gst-rtsp-server, as many NVRs and
cameras embed it. Serves an H.264 test pattern at rtsp://127.0.0.1:PORT/MOUNT.

  python3 gst_rtsp_server.py PORT MOUNT [--tcp-only | --udp-only] [--user U --password P [--digest]]
                            [--video FILE.mp4 | --launch PIPELINE] [--tls-cert F --tls-key F]
                            [--switch-caps CAPS --switch-after S] [--ts-jump S --ts-jump-after S]

--video serves an H.264 MP4 instead (the demo's shelf footage), without re-encoding: each
reader gets its own pipeline that plays the file from the start. --launch serves any
gst-launch bin whose payloaders are named pay0, pay1, ... (what real cameras send: H.265,
MJPEG, an audio track, 4K, 1 fps). The rest imitate what cameras do:
  --udp-only           refuses interleaved TCP (461), as some cameras and NVRs do
  --digest             Digest instead of Basic authentication (most IP cameras)
  --tls-cert/--tls-key RTSP over TLS (rtsps://)
  --switch-caps CAPS   after --switch-after seconds, the element named "size" (a capsfilter) gets
                       CAPS: the resolution changes mid-stream, as when a user changes the camera's settings
  --ts-jump S          after --ts-jump-after seconds, every RTP timestamp of pay0 moves by S seconds
                       (negative: back), as when the camera's clock is set (NTP) while it streams

Prints "ready" once it listens; runs until killed.
"""
import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtsp", "1.0")
gi.require_version("GstRtspServer", "1.0")
gi.require_version("GstRtp", "1.0")
from gi.repository import Gio, GLib, Gst, GstRtp, GstRtsp, GstRtspServer  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("port")
p.add_argument("mount")
p.add_argument("--tcp-only", action="store_true")
p.add_argument("--user")
p.add_argument("--password")
p.add_argument("--udp-only", action="store_true")
p.add_argument("--digest", action="store_true")
p.add_argument("--video")
p.add_argument("--launch")
p.add_argument("--tls-cert")
p.add_argument("--tls-key")
p.add_argument("--switch-caps")
p.add_argument("--switch-after", type=float, default=3)
p.add_argument("--ts-jump", type=float)
p.add_argument("--ts-jump-after", type=float, default=3)
a = p.parse_args()

Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(a.port)
factory = GstRtspServer.RTSPMediaFactory()
# a camera-like stream: 640x360 at 10 fps, a keyframe every second
if a.launch:
    factory.set_launch(f"( {a.launch} )")
    factory.set_shared(True)
elif a.video:
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
if a.udp_only:
    factory.set_protocols(GstRtsp.RTSPLowerTrans.UDP | GstRtsp.RTSPLowerTrans.UDP_MCAST)
auth = GstRtspServer.RTSPAuth() if a.user or a.tls_cert else None
if a.tls_cert:
    auth.set_tls_certificate(Gio.TlsCertificate.new_from_files(a.tls_cert, a.tls_key))
if a.user:
    token = GstRtspServer.RTSPToken()
    token.set_string("media.factory.role", a.user)
    if a.digest:
        auth.add_digest(a.user, a.password, token)
        auth.set_supported_methods(GstRtsp.RTSPAuthMethod.DIGEST)
    else:
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(a.user, a.password), token)
    perms = GstRtspServer.RTSPPermissions()
    perms.add_permission_for_role(a.user, "media.factory.access", True)
    perms.add_permission_for_role(a.user, "media.factory.construct", True)
    factory.set_permissions(perms)
if auth:
    server.set_auth(auth)


switched = {"done": False}
sizes = []


def switch():
    switched["done"] = True
    for size in sizes:
        size.set_property("caps", Gst.Caps.from_string(a.switch_caps))
    return False


if a.switch_caps:
    GLib.timeout_add(int(a.switch_after * 1000), switch)


def on_configure(_factory, media):
    """Per (shared) media: the mid-stream resolution change and the camera clock jump."""
    bin_ = media.get_element()
    if a.switch_caps:
        size = bin_.get_by_name("size")
        sizes.append(size)
        if switched["done"]:  # a camera keeps its new settings for every later reader
            size.set_property("caps", Gst.Caps.from_string(a.switch_caps))
    if a.ts_jump is not None:
        pay = bin_.get_by_name("pay0")
        shift = {"on": False}
        GLib.timeout_add(int(a.ts_jump_after * 1000), lambda: shift.update(on=True) or False)
        clock_rate = 90000
        pushing = {"now": False}

        def shifted(buf):
            copy = buf.copy_deep()  # the payloader's buffer is not writable: a copy goes out instead
            ok, rtp = GstRtp.RTPBuffer.map(copy, Gst.MapFlags.READ | Gst.MapFlags.WRITE)
            if ok:
                rtp.set_timestamp((rtp.get_timestamp() + int(a.ts_jump * clock_rate)) % (1 << 32))
                rtp.unmap()
            return copy

        def probe(pad, info):
            if not shift["on"] or pushing["now"]:
                return Gst.PadProbeReturn.OK
            pushing["now"] = True
            try:
                if info.type & Gst.PadProbeType.BUFFER_LIST:
                    old = info.get_buffer_list()
                    out = Gst.BufferList.new()
                    for i in range(old.length()):
                        out.insert(-1, shifted(old.get(i)))
                    pad.push_list(out)
                else:
                    pad.push(shifted(info.get_buffer()))
            finally:
                pushing["now"] = False
            return Gst.PadProbeReturn.DROP

        pay.get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER | Gst.PadProbeType.BUFFER_LIST, probe)


factory.connect("media-configure", on_configure)
server.get_mount_points().add_factory("/" + a.mount.lstrip("/"), factory)
if server.attach(None) == 0:
    sys.exit(f"cannot listen on 127.0.0.1:{a.port}")
print("ready", flush=True)
GLib.MainLoop().run()
