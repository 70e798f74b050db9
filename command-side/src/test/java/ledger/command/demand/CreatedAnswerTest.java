package ledger.command.demand;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletResponse;

/** The 201 answer written by hand is the one Jackson wrote before, byte for byte, whatever the text. */
class CreatedAnswerTest {

    @Test
    void theAnswerIsWhatJacksonWouldWrite() throws Exception {
        ObjectMapper jackson = new ObjectMapper();
        for (String id : new String[] {"2014-H1-US-1", "a.b_c:d-e", "quote\"back\\slash", "tab\tnl\ncr\rbs\bff\f",
                "nul\u0000us\u001funit", "ünïcødé €", "emoji \uD83D\uDE00", "slash/"}) {
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("demandId", id);
            answer.put("position", 9_007_199_254_740_993L);
            MockHttpServletResponse response = new MockHttpServletResponse();
            new DemandController.Created(id, 9_007_199_254_740_993L, false, false).writeTo(response);
            assertThat(response.getContentAsByteArray()).as(id).isEqualTo(jackson.writeValueAsBytes(answer));
            assertThat(jackson.readTree(response.getContentAsString(StandardCharsets.UTF_8)).get("demandId").asText()).isEqualTo(id);
        }
    }

    @Test
    void aReceiptAnswersItsLocationAndEveryAnswerIsJson() throws Exception {
        MockHttpServletResponse receipt = new MockHttpServletResponse();
        new DemandController.Created("2014-H1-US-1", 7, true, false).writeTo(receipt);
        assertThat(receipt.getStatus()).isEqualTo(201);
        assertThat(receipt.getHeader("Location")).isEqualTo("/api/demands/2014-H1-US-1");
        assertThat(receipt.getContentType()).isEqualTo("application/json");
        assertThat(receipt.getContentLength()).isEqualTo(receipt.getContentAsByteArray().length);
        assertThat(receipt.getContentAsString()).isEqualTo("{\"demandId\":\"2014-H1-US-1\",\"position\":7}");
        MockHttpServletResponse disposition = new MockHttpServletResponse();
        new DemandController.Created("2014-H1-US-1", 8, false, false).writeTo(disposition);
        assertThat(disposition.getHeader("Location")).isNull();
        assertThat(disposition.getContentType()).isEqualTo("application/json");
    }
}
