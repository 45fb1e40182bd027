package io.lightmem.store;

import jakarta.interceptor.InterceptorBinding;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A transaction that is run again, a few times, when PostgreSQL ends it with a deadlock or a
 * serialization failure: the database rolled it back, so running it again is safe, and another
 * attempt usually passes once the conflicting transaction is done ({@link ConflictRetry}). Goes on
 * methods that begin a transaction ({@code @Transactional}) and do nothing but database work in it.
 */
@InterceptorBinding
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
public @interface RetriedOnConflict {
}
