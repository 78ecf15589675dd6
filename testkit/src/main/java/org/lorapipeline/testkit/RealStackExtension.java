package org.lorapipeline.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.lorapipeline.infra.StackEndpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the stack for {@link RealStack} classes and resolves {@link TestStack} and {@link StackEndpoints}
 * parameters. The shared stack lives in the root context store, so JUnit closes it once at the end of the run; an
 * isolated one lives in the class's store. Store creation is atomic, so parallel classes never start two shared stacks.
 */
public final class RealStackExtension implements BeforeAllCallback, ParameterResolver {
    private static final Logger log = LoggerFactory.getLogger(RealStackExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealStackExtension.class);
    private static final String SHARED_KEY = "shared-stack";

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == TestStack.class || type == StackEndpoints.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        TestStack stack = stack(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == TestStack.class) {
            return stack;
        }
        if (type == StackEndpoints.class) {
            return stack.endpoints();
        }
        throw new ParameterResolutionException("RealStack cannot supply a " + type.getName());
    }

    private static TestStack stack(ExtensionContext context) {
        org.lorapipeline.schemas.TrustedPackages.ensure();
        boolean isolated = context.getTestClass()
                .flatMap(type -> AnnotationSupport.findAnnotation(type, RealStack.class))
                .map(RealStack::isolated)
                .orElse(false);
        ExtensionContext owner = isolated ? classContext(context) : context.getRoot();
        // Child stores see their parents' entries, so an isolated stack needs a key the root store never holds.
        String key = isolated ? "isolated-stack:" + owner.getUniqueId() : SHARED_KEY;
        return owner.getStore(NAMESPACE).computeIfAbsent(key, k -> start(owner), TestStack.class);
    }

    /** The context of the annotated class itself, so an isolated stack outlives nested classes and methods. */
    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getParent().isPresent() && current.getParent().get().getTestClass().isPresent()
                && current.getTestMethod().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    private static TestStack start(ExtensionContext owner) {
        StackKind kind = StackKind.fromSystemProperty();
        long started = System.nanoTime();
        RunningStack running = kind.start();
        log.info("{} stack for {} up in {} ms: {}", running.kind(), owner.getDisplayName(),
                (System.nanoTime() - started) / 1_000_000, running.endpoints());
        return new TestStack(running);
    }
}
