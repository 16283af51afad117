// Replay server for Go (standard library only).  See ../README.md.
//
//	server [--order FILE]
//
// Model m-n: net/http, a goroutine per connection on GOMAXPROCS =
// ADVISOR_REPLAY_WORKERS threads, at most ADVISOR_REPLAY_MAX_CONN
// connections open (the listener waits for a free slot before accepting).
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

func fail(format string, a ...interface{}) {
	fmt.Fprintf(os.Stderr, "replay go: "+format+"\n", a...)
	os.Exit(2)
}

func envInt(name string, dflt int) int {
	v := os.Getenv(name)
	if v == "" {
		return dflt
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		fail("%s=%s: not a positive integer", name, v)
	}
	return n
}

// ---- kernels (kernels.md) ---------------------------------------------------

func fold(acc, v uint32) uint32 { return acc*31 + v }

var (
	X     [1000]float64
	B     [4096]byte
	order []byte
)

func init() {
	for i := range X {
		X[i] = float64(i%97) / 97
	}
	for i := range B {
		B[i] = byte(i*31 + 7)
	}
}

type Item struct {
	Sku       string `json:"sku"`
	Name      string `json:"name"`
	Qty       int64  `json:"qty"`
	UnitCents int64  `json:"unit_cents"`
}

type Order struct {
	ID       string `json:"id"`
	Customer struct {
		ID    int64  `json:"id"`
		Name  string `json:"name"`
		Email string `json:"email"`
		Tier  string `json:"tier"`
	} `json:"customer"`
	Currency string `json:"currency"`
	Items    []Item `json:"items"`
	Shipping struct {
		Method  string `json:"method"`
		Cents   int64  `json:"cents"`
		Address struct {
			Street   string `json:"street"`
			City     string `json:"city"`
			Postcode string `json:"postcode"`
			Country  string `json:"country"`
		} `json:"address"`
	} `json:"shipping"`
	Notes string `json:"notes"`
	Paid  bool   `json:"paid"`
}

type Summary struct {
	Order      string   `json:"order"`
	Customer   string   `json:"customer"`
	Seq        int      `json:"seq"`
	Lines      []string `json:"lines"`
	TotalCents int64    `json:"total_cents"`
	Total      string   `json:"total"`
}

func euros(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }

func webKernel(acc uint32, j int) uint32 {
	var doc Order
	if err := json.Unmarshal(order, &doc); err != nil {
		fail("order: %v", err)
	}
	lines := make([]string, 0, len(doc.Items))
	var total int64
	for _, it := range doc.Items {
		cents := it.Qty * it.UnitCents
		total += cents
		lines = append(lines, fmt.Sprintf("%s %s x%d = %s", it.Sku, it.Name, it.Qty, euros(cents)))
	}
	total += doc.Shipping.Cents
	out, err := json.Marshal(Summary{doc.ID, doc.Customer.Name, j, lines, total, euros(total)})
	if err != nil {
		fail("summary: %v", err)
	}
	return fold(fold(acc, uint32(len(out))), uint32(total))
}

func computeKernel(acc uint32, j int) uint32 {
	s := 0.0
	h := uint32(2166136261) ^ uint32(j)
	for i := 0; i < 1000; i++ {
		v := X[i]
		// Explicit conversions keep every product rounded: no fused multiply-add.
		s = float64(s*0.5) + float64(float64(v*v)*0.25) + float64(v*0.125)
		h = (h ^ uint32(i)) * 16777619
	}
	m := make(map[int]int)
	for i := 0; i < 200; i++ {
		m[(i*7919+j)%1000] = i
	}
	t := 0
	for i := 0; i < 200; i++ {
		t += m[(i*7919+j)%1000]
	}
	return fold(fold(fold(acc, h), uint32(math.Floor(s*1e6))), uint32(t))
}

func nativeKernel(acc uint32) uint32 {
	d := sha256.Sum256(B[:])
	return fold(acc, binary.BigEndian.Uint32(d[:4]))
}

// ---- requests -----------------------------------------------------------------

type query struct{ web, compute, native, ioUs int }

// parseQuery: web, compute, native, io_us, each at most once, 0..1000000.
func parseQuery(q string) (query, bool) {
	var r query
	if q == "" {
		return r, true
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(q, "&") {
		eq := strings.IndexByte(part, '=')
		if eq < 0 {
			return r, false
		}
		k, v := part[:eq], part[eq+1:]
		if seen[k] || len(v) < 1 || len(v) > 7 || strings.Trim(v, "0123456789") != "" {
			return r, false
		}
		n, _ := strconv.Atoi(v)
		if n > 1000000 {
			return r, false
		}
		switch k {
		case "web":
			r.web = n
		case "compute":
			r.compute = n
		case "native":
			r.native = n
		case "io_us":
			r.ioUs = n
		default:
			return r, false
		}
		seen[k] = true
	}
	return r, true
}

// backend: keep-alive connections, one per call in flight, reused.
type bconn struct {
	c net.Conn
	r *bufio.Reader
}

type backend struct {
	addr string
	idle chan *bconn
}

func (b *backend) call(us int) error {
	var c *bconn
	select {
	case c = <-b.idle:
	default:
		nc, err := net.Dial("tcp", b.addr)
		if err != nil {
			return err
		}
		c = &bconn{nc, bufio.NewReader(nc)}
	}
	if _, err := fmt.Fprintf(c.c, "WAIT %d\n", us); err != nil {
		c.c.Close()
		return err
	}
	line, err := c.r.ReadString('\n')
	if err != nil || line != "OK\n" {
		c.c.Close()
		if err == nil {
			err = errors.New("backend said " + strconv.Quote(line))
		}
		return err
	}
	select {
	case b.idle <- c:
	default:
		c.c.Close()
	}
	return nil
}

func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write([]byte(body))
}

// limitListener accepts a connection only when fewer than cap(slots) are open.
type limitListener struct {
	net.Listener
	slots chan struct{}
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (l *limitListener) Accept() (net.Conn, error) {
	l.slots <- struct{}{}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

func main() {
	orderFile := ""
	for i := 1; i < len(os.Args); i++ {
		if os.Args[i] == "--order" && i+1 < len(os.Args) {
			i++
			orderFile = os.Args[i]
		} else {
			fail("unknown argument %s", os.Args[i])
		}
	}
	if orderFile == "" {
		fail("--order FILE is required")
	}
	var err error
	if order, err = os.ReadFile(orderFile); err != nil {
		fail("%v", err)
	}
	runtime.GOMAXPROCS(envInt("ADVISOR_REPLAY_WORKERS", runtime.NumCPU()))
	maxConn := envInt("ADVISOR_REPLAY_MAX_CONN", 256)
	var be *backend
	if addr := os.Getenv("ADVISOR_REPLAY_BACKEND"); addr != "" {
		be = &backend{addr, make(chan *bconn, maxConn)}
	}

	mux := http.NewServeMux()
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			reply(w, 405, "method not allowed\n")
			return
		}
		reply(w, 200, "ok\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			reply(w, 405, "method not allowed\n")
			return
		}
		if r.URL.Path != "/r" {
			reply(w, 404, "not found\n")
			return
		}
		q, ok := parseQuery(r.URL.RawQuery)
		if !ok {
			reply(w, 400, "bad request\n")
			return
		}
		var acc uint32
		for j := 0; j < q.web; j++ {
			acc = webKernel(acc, j)
		}
		for j := 0; j < q.compute; j++ {
			acc = computeKernel(acc, j)
		}
		for j := 0; j < q.native; j++ {
			acc = nativeKernel(acc)
		}
		if q.ioUs > 0 && be != nil {
			if err := be.call(q.ioUs); err != nil {
				reply(w, 502, "backend: "+err.Error()+"\n")
				return
			}
		}
		reply(w, 200, "ok "+strconv.FormatUint(uint64(acc), 10)+"\n")
	})

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fail("%v", err)
	}
	srv := &http.Server{Handler: mux, IdleTimeout: 65 * time.Second, ErrorLog: nil}
	fmt.Printf("LISTENING %d\n", ln.Addr().(*net.TCPAddr).Port)
	os.Stdout.Sync()
	fail("%v", srv.Serve(&limitListener{ln, make(chan struct{}, maxConn)}))
}
