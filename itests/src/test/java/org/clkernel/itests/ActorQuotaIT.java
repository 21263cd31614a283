package org.clkernel.itests;

import static org.clkernel.itests.Eventually.awaitTrue;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.regex.Pattern;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.clkernel.api.actor.Actor;
import org.clkernel.api.actor.ActorRegistry;
import org.clkernel.api.physical.FrameAllocator;
import org.clkernel.api.physical.Gfp;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Actors from Config Admin factory configurations of {@value ActorRegistry#FACTORY_PID}: the actor
 * {@code web} is configured with a quota of 4 frames, and its frame quota is what the allocator
 * enforces, changed live by a configuration update. Each test boots its own framework.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class ActorQuotaIT {
    static final String WEB = "web";

    @Inject
    BundleContext context;

    @Inject
    ConfigurationAdmin configurationAdmin;

    @Inject
    ActorRegistry actors;

    @Inject
    FrameAllocator frames;

    @Inject
    CommandProcessor processor;

    @Configuration
    public Option[] configuration() {
        return RuntimeBundles.options();
    }

    @Test
    public void factoryConfigurationCreatesTheActorWithItsQuotas() throws Exception {
        configure(WEB, 4);
        Actor web = awaitFrameQuota(WEB, 4);
        assertEquals("heap quota, not configured: the CLKernel default", Actor.DEFAULT_HEAP_QUOTA, web.heapQuota());
        assertTrue("an actor's id is a slot above the kernel's", web.id() > FrameAllocator.KERNEL);
    }

    @Test
    public void configuredActorGetsFramesUpToItsQuotaThenOverQuota() throws Exception {
        configure(WEB, 4);
        int web = awaitFrameQuota(WEB, 4).id();

        assertTrue(frames.allocate(1, web, Gfp.NONE) >= 0);
        assertTrue(frames.allocate(0, web, Gfp.NONE) >= 0);
        assertEquals("a block of 2 frames would make 5", FrameAllocator.OVER_QUOTA, frames.allocate(1, web, Gfp.NONE));
        assertTrue(frames.allocate(0, web, Gfp.NONE) >= 0);
        assertEquals(FrameAllocator.OVER_QUOTA, frames.allocate(0, web, Gfp.NONE));
        assertEquals(4, frames.framesOwned(web));
    }

    @Test
    public void raisingTheConfiguredFrameQuotaTakesEffectLive() throws Exception {
        org.osgi.service.cm.Configuration config = configure(WEB, 4);
        int web = awaitFrameQuota(WEB, 4).id();
        allocateFrames(web, 4);
        assertEquals(FrameAllocator.OVER_QUOTA, frames.allocate(0, web, Gfp.NONE));

        config.update(properties(WEB, 8));
        awaitFrameQuota(WEB, 8);

        allocateFrames(web, 4);
        assertEquals(FrameAllocator.OVER_QUOTA, frames.allocate(0, web, Gfp.NONE));
        assertEquals(8, frames.framesOwned(web));
    }

    @Test
    public void actorStatsShowsTheFramesTheActorHoldsAgainstItsQuota() throws Exception {
        configure(WEB, 4);
        int web = awaitFrameQuota(WEB, 4).id();
        allocateFrames(web, 3);

        try (ShellSession shell = new ShellSession(processor)) {
            ShellSession.awaitCommand(context, "actor", "stats");
            ShellSession.Output stats = shell.run("actor:stats");
            assertEquals(stats.toString(), "", stats.err());
            assertLine(stats, "^ID\\s+NAME\\s+FRAMES\\s+QUOTA\\s+USE\\s+MEMORY$");
            assertLine(stats, "^\\s*" + web + "\\s+web\\s+3\\s+4\\s+75%\\s+12 KiB$");

            String json = shell.run("actor:stats --json").out();
            assertTrue(json, json.contains("{\"id\":" + web + ",\"name\":\"web\",\"frames\":3,\"frameQuota\":4,"));
        }
    }

    @Test
    public void negativeFrameQuotaInTheConfigurationIsRefusedAndLeavesTheQuotas() throws Exception {
        org.osgi.service.cm.Configuration config = configure(WEB, 4);
        Actor before = awaitFrameQuota(WEB, 4);

        Dictionary<String, Object> bad = properties(WEB, -1);
        bad.put("heap", 2048L);
        config.update(bad);
        // Config Admin delivers configuration events to each listener in order, so once the actor of
        // a later configuration exists, DS has applied (or refused) the bad one
        configure("marker", 1);
        awaitFrameQuota("marker", 1);

        assertEquals("frame and heap quota as before", before, actors.find(WEB).orElseThrow());
        assertTrue(actors.check().toString(), actors.check().isOk());
    }

    // ---- helpers -------------------------------------------------------------------------------

    private org.osgi.service.cm.Configuration configure(String name, long frameQuota) throws Exception {
        org.osgi.service.cm.Configuration config =
                configurationAdmin.getFactoryConfiguration(ActorRegistry.FACTORY_PID, name, "?");
        config.update(properties(name, frameQuota));
        return config;
    }

    private static Dictionary<String, Object> properties(String name, long frameQuota) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("name", name);
        properties.put("frames", frameQuota);
        return properties;
    }

    /** The actor, once its frame quota is the one given. */
    private Actor awaitFrameQuota(String name, long frameQuota) throws InterruptedException {
        awaitTrue("actor " + name + " with a frame quota of " + frameQuota,
                () -> actors.find(name).map(a -> a.frameQuota() == frameQuota).orElse(false));
        return actors.find(name).orElseThrow();
    }

    private void allocateFrames(int owner, int count) {
        for (int i = 0; i < count; i++) {
            long pfn = frames.allocate(0, owner, Gfp.NONE);
            assertTrue("frame " + (i + 1) + " of " + count + ": " + pfn, pfn >= 0);
        }
    }


    private static void assertLine(ShellSession.Output o, String regex) {
        Pattern p = Pattern.compile(regex);
        assertTrue("no line matches /" + regex + "/ in\n" + o, o.outLines().stream().anyMatch(l -> p.matcher(l).find()));
    }
}
