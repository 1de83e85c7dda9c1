package io.coxswain.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * The node's VXLAN device, as flannel's {@code newVXLANDevice}/{@code ensureLink}: VNI 1, the underlay address as its
 * local address, UDP 8472 (the kernel's and flannel's default), learning off (the agent writes the FDB), MTU the
 * underlay's less 50, the first address of the node's pod CIDR as a /32, up. A device that is already there with the
 * same attributes is kept, so that its MAC, which the other nodes know, stays the same across restarts.
 */
final class VxlanDevice {

    private static final Logger LOG = LoggerFactory.getLogger(VxlanDevice.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String NAME = "coxswain.1";
    static final int VNI = 1;
    static final int PORT = 8472;

    private final HostCommands host;
    private final String name;

    VxlanDevice(HostCommands host, String name) {
        this.host = host;
        this.name = name;
    }

    String name() {
        return name;
    }

    boolean exists() {
        HostCommands.Result r = host.run("ip", "-j", "link", "show", "dev", name);
        if (r.ok()) {
            return true;
        }
        if (r.stderr().contains("does not exist") || r.stderr().contains("Cannot find device")) {
            return false;
        }
        r.orThrow();
        return false;
    }

    /** Creates or keeps the device, sets its MTU, address and up; returns its MAC (the VTEP MAC to publish). */
    String ensure(Underlay underlay, String podCidr) {
        JsonNode link = details();
        if (link != null && !compatible(link, underlay)) {
            LOG.warn("overlay: {} exists with other attributes than VNI {} local {} dev {} port {} nolearning ({}); recreating it",
                    name, VNI, underlay.address(), underlay.iface(), PORT, link.path("linkinfo"));
            host.check("ip", "link", "del", "dev", name);
            link = null;
        }
        if (link == null) {
            host.check("ip", "link", "add", name, "type", "vxlan", "id", Integer.toString(VNI), "local", underlay.address(),
                    "dev", underlay.iface(), "dstport", Integer.toString(PORT), "nolearning");
            LOG.info("overlay: created {} (VNI {}, local {} dev {}, UDP {})", name, VNI, underlay.address(), underlay.iface(), PORT);
            link = details();
        }
        host.check("ip", "link", "set", "dev", name, "mtu", Integer.toString(underlay.vxlanMtu()), "up");
        ensureAddress(Ipv4.firstAddress(podCidr) + "/32");
        String mac = Ipv4.mac(link.path("address").asText(null));
        if (mac == null) {
            throw new HostCommandException(name + " has no MAC address in: " + link);
        }
        return mac;
    }

    /** The device as {@code ip -d -j link show}, or null when there is none. */
    private JsonNode details() {
        if (!exists()) {
            return null;
        }
        try {
            return JSON.readTree(host.check("ip", "-d", "-j", "link", "show", "dev", name)).path(0);
        } catch (IOException e) {
            throw new HostCommandException("ip -d -j link show dev " + name + " printed JSON that does not parse: " + e.getMessage(), e);
        }
    }

    static boolean compatible(JsonNode link, Underlay underlay) {
        JsonNode info = link.path("linkinfo");
        JsonNode data = info.path("info_data");
        return "vxlan".equals(info.path("info_kind").asText())
                && data.path("id").asInt(-1) == VNI
                && underlay.address().equals(data.path("local").asText())
                && data.path("port").asInt(-1) == PORT
                && !data.path("learning").asBoolean(true);
    }

    /** Only the VTEP address on the device (flannel's ensureV4AddressOnLink): a pod CIDR that changed leaves no old address. */
    private void ensureAddress(String cidr) {
        JsonNode links;
        try {
            links = JSON.readTree(host.check("ip", "-j", "-4", "addr", "show", "dev", name));
        } catch (IOException e) {
            throw new HostCommandException("ip -j addr show dev " + name + " printed JSON that does not parse: " + e.getMessage(), e);
        }
        boolean present = false;
        for (JsonNode addr : links.path(0).path("addr_info")) {
            String have = addr.path("local").asText() + "/" + addr.path("prefixlen").asText();
            if (have.equals(cidr)) {
                present = true;
            } else {
                host.check("ip", "addr", "del", have, "dev", name);
                LOG.info("overlay: removed the old address {} from {}", have, name);
            }
        }
        if (!present) {
            host.check("ip", "addr", "add", cidr, "dev", name);
            LOG.info("overlay: {} has address {}", name, cidr);
        }
    }
}
