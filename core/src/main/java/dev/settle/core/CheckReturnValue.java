package dev.settle.core;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The result of the annotated method must be used. Error Prone's {@code CheckReturnValue} check,
 * which matches any annotation of this simple name, and IDEs that read it flag a call whose result
 * is dropped: for {@link Coordinator#execute} that is an outcome nobody looked at, which may be a
 * rollback or in doubt. Settle defines its own so that using it adds no dependency.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.TYPE})
public @interface CheckReturnValue {}
