package ledger.query;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The statistics answer JSON, or CSV for a path ending {@code .csv}, and set their media type themselves (no
 * content negotiation, as an answer is rendered once for many clients): a request whose {@code Accept} admits
 * neither is refused with a 406, as Spring would refuse it for any other answer. (One that admits only the other
 * is answered all the same, as before: HTTP allows it, and the dashboard's CSV download relies on it.)
 */
@Configuration(proxyBeanMethods = false)
class AnswerMediaTypes implements WebMvcConfigurer, HandlerInterceptor {

    private static final String STATISTICS = "ledger.query.statistics";
    /** What the statistics answer; either will do (the dashboard asks for a table's CSV with Accept: application/json). */
    private static final List<MediaType> ANSWERS = List.of(MediaType.APPLICATION_JSON, MediaType.parseMediaType("text/csv"));

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(this).addPathPatterns("/api/statistics/**").order(1);
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        String accept = request.getHeader("Accept");
        if (accept == null || accept.isBlank() || !(handler instanceof HandlerMethod method)
                || !method.getBeanType().getPackageName().equals(STATISTICS)) {
            return true;
        }
        try {
            for (MediaType type : MediaType.parseMediaTypes(accept)) {
                if (type.getQualityValue() > 0 && ANSWERS.stream().anyMatch(type::isCompatibleWith)) {
                    return true;
                }
            }
        } catch (InvalidMediaTypeException e) {
            // refused below
        }
        throw new HttpMediaTypeNotAcceptableException(ANSWERS);
    }
}
