package org.clkernel.paging.space;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "CLKernel/J paging", description = "Virtual memory: demand paging, swap and page replacement.")
@interface PagingConfig {

    @AttributeDefinition(name = "Replacement policy", required = false,
            description = "policy.name of the page-replacement policy to use, or builtin-fifo; empty: the best-ranked one"
                    + " installed. A change moves every resident set to it live.")
    String policy() default "";
}
